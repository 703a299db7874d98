import { setTimeout as sleep } from 'node:timers/promises';
import { call } from './support/inject';
import { DEMO, startTestApp, TestApp } from './support/test-app';

/** REDIS_URL points at a port where nothing listens: what still works, and what refuses clearly. */
describe('Redis unavailable', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({
      redisUrl: 'redis://127.0.0.1:1',
      interactionsCacheSeconds: 60,
      rateLimitMax: 2,
    });
  }, 30_000);
  afterAll(async () => {
    await t.close();
    // ioredis leaves each refused command's timeout timer (commandTimeout) to run out.
    await sleep(1600);
  });

  it('refuses actions with 503 JSON rather than risk running one twice', async () => {
    const res = await call(t.app, 'POST', '/actions/create_ticket', {
      body: { auth: DEMO, meta: { contact_external_id: '1' }, data: { subject: 'x' } },
    });
    expect(res.status).toBe(503);
    expect(res.body).toEqual({
      code: 'store_unavailable',
      message: expect.stringContaining('not run'),
      request_id: expect.any(String),
    });
  }, 30_000);

  it('still retrieves interactions (the cache counts as a miss) and does not rate-limit', async () => {
    for (let i = 0; i < 4; i++) {
      const res = await call(t.app, 'POST', '/interactions/retrieve', {
        body: { auth: DEMO, data: { contact_external_id: '1' } },
      });
      expect(res.status).toBe(200);
      expect(res.body.length).toBeGreaterThan(0);
    }
  }, 60_000);

  it('still answers health probes: ready, with the store reported unreachable in the details and the metric', async () => {
    expect((await call(t.app, 'GET', '/health/live')).status).toBe(200);
    const ready = await call(t.app, 'GET', '/health/ready');
    expect(ready.status).toBe(200);
    expect(ready.body.details.store).toEqual({
      status: 'up',
      kind: 'redis',
      reachable: false,
      message: expect.stringContaining('actions answer 503'),
    });
    const metrics = await call(t.app, 'GET', '/metrics');
    expect(String(metrics.body)).toMatch(/^bridge_dependency_up\{dependency="store"\} 0$/m);
    expect(String(metrics.body)).toMatch(
      /^bridge_dependency_up\{dependency="external_system"\} 1$/m,
    );
  });
});
