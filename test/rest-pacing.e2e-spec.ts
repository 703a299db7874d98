import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { parse, stringify } from 'yaml';
import { expectError } from './support/talkdesk';
import { startTestApp, TestApp } from './support/test-app';
import { credentialsOf, FakeHelpdesk } from './support/upstreams/fake-helpdesk';

const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

/**
 * A manifest's `pacing` through two bridge replicas sharing Redis: the requests of one
 * account's credentials are counted in the same windows by both, so the upstream sees no more
 * than the manifest allows, and a request that would have to wait past its budget is a 503
 * with Retry-After, never sent. (The windows last ten minutes here, so that both replicas'
 * requests fall in one.)
 */
describe('REST connector: pacing shared by replicas through Redis', () => {
  const prefix = `test:pacing:${randomUUID()}:`;
  let helpdesk: FakeHelpdesk;
  let a: TestApp;
  let b: TestApp;
  let dir: string;
  const acme = credentialsOf(0);

  beforeAll(async () => {
    helpdesk = new FakeHelpdesk({ contacts: 10 });
    await helpdesk.start();
    dir = mkdtempSync(join(tmpdir(), 'manifest-'));
    const manifest = parse(readFileSync('connectors/helpdesk.yaml', 'utf8')) as Record<
      string,
      unknown
    >;
    manifest.pacing = { requests: 3, interval_ms: 600_000 };
    const file = join(dir, 'paced.yaml');
    writeFileSync(file, stringify(manifest));
    const config = {
      connector: 'rest' as const,
      connectorManifest: file,
      connectorBaseUrl: helpdesk.baseUrl,
      logLevel: 'silent' as const,
      circuitBreakerThreshold: 0,
      redisUrl: REDIS_URL,
      redisKeyPrefix: prefix,
    };
    a = await startTestApp(config);
    b = await startTestApp(config);
  });
  afterAll(async () => {
    await a?.close();
    await b?.close();
    await helpdesk?.stop();
    rmSync(dir, { recursive: true, force: true });
    const redis = new Redis(REDIS_URL);
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length) await redis.del(...keys);
    await redis.quit();
  });

  it('counts both replicas’ requests in one window: the fourth request is not sent', async () => {
    const before = helpdesk.server.requests.length;
    // The credential check on each replica (then cached there), a contacts page on a: three.
    expect((await a.post('/auth/validate', { auth: acme })).status).toBe(200);
    expect((await b.post('/auth/validate', { auth: acme })).status).toBe(200);
    expect((await a.post('/contacts/sync', { auth: acme })).status).toBe(200);
    expect(helpdesk.server.requests.length - before).toBe(3);
    // b's contacts page would be the fourth of these credentials in the window.
    const refused = await b.post('/contacts/sync', { auth: acme });
    expectError(refused, 503);
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    expect(helpdesk.server.requests.length - before).toBe(3);
    // Other credentials have windows of their own.
    const other = credentialsOf(1);
    expect((await b.post('/auth/validate', { auth: other })).status).toBe(200);
    expect(helpdesk.server.requests.length - before).toBe(4);
  });
});
