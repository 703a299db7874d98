import { AddressInfo } from 'node:net';
import { fuzz, generateRequests } from '../src/tools/http-fuzz/http-fuzz';
import { useTestApp } from './support/test-app';

/**
 * The short run of the HTTP fuzzer (`npm run fuzz` runs 10,000 requests): every endpoint,
 * requests mutated at the byte and header level over raw sockets, every answer below 500 and
 * every error in the contract, and the bridge still live after.
 */
describe('HTTP fuzzing (short run)', () => {
  const t = useTestApp({ rateLimitMax: 0, authFailureLimit: 0 });

  it('1,000 fuzzed requests: no 5xx, every error { code, message, request_id }', async () => {
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    const port = (t.app.getHttpServer().address() as AddressInfo).port;

    const report = await fuzz({ port, requests: 1000, seed: 20261201 });

    expect(report.violations).toEqual([]);
    expect(report.answers).toBeGreaterThan(900);
    // The run reached the parser (400, 431) and the application (2xx).
    expect(report.statuses[400]).toBeGreaterThan(100);
    expect(report.statuses[431]).toBeGreaterThan(0);
    expect((report.statuses[200] ?? 0) + (report.statuses[204] ?? 0)).toBeGreaterThan(50);
    expect((await t.get('/health/live')).status).toBe(200);
  }, 60_000);

  it('the requests cover every endpoint and are the same for the same seed', () => {
    const requests = generateRequests(2000, 3);
    expect(generateRequests(2000, 3)).toEqual(requests);
    for (const path of [
      '/auth/validate',
      '/contacts/sync',
      '/agents/sync',
      '/interactions/retrieve',
      '/actions/create_ticket',
      '/health/live',
      '/health/ready',
      '/integration/configuration',
      '/metrics',
    ]) {
      expect(requests.some((r) => r.includes(` ${path} `))).toBe(true);
    }
  });
});
