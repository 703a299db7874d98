import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import { call } from './support/inject';
import { PrivateRedis } from './support/private-redis';
import { keysUnder } from './support/redis';
import { DEMO, startTestApp, TestApp } from './support/test-app';

/**
 * Redis paused (CLIENT PAUSE, on a redis-server of the test's own) while an action claims its
 * idempotency key: the action answers 503 without running, and the claim, which Redis makes
 * once it resumes, is released right after, so a retry runs the action at once instead of
 * waiting for a stuck claim to expire.
 */

const PAUSE_MS = 5000;
/** How long after the pause the released claim may still show (a claim lives 30 s). */
const RELEASE_WITHIN_MS = 10_000;
const PREFIX = 'pause-test:';

const ticket = (subject: string) => ({
  auth: DEMO,
  meta: { contact_external_id: '1' },
  data: { subject, description: 'A call from Jane Doe was missed.' },
});

describe('a Redis pause during an action', () => {
  const redisServer = new PrivateRedis();
  let admin: Redis;
  let t: TestApp;

  beforeAll(async () => {
    await redisServer.start();
    admin = new Redis(redisServer.url, { maxRetriesPerRequest: 1 });
    t = await startTestApp({ redisUrl: redisServer.url, redisKeyPrefix: PREFIX });
    // Once before the pause, as in a running bridge: the rate limit's shared salt is read.
    expect((await t.post('/auth/validate', { auth: DEMO })).status).toBe(204);
  }, 30_000);
  afterAll(async () => {
    await t?.close();
    admin?.disconnect();
    await redisServer.stop();
  });

  const claims = async () =>
    [...(await keysUnder(admin, `${PREFIX}idempotency:`)).values()].map(
      (value) => (JSON.parse(value) as { state: string }).state,
    );

  it.each([
    ['with an Idempotency-Key', { 'idempotency-key': 'pause-key-1' }, 'Paused ticket (key)'],
    ['without one (the payload window)', {}, 'Paused ticket (payload)'],
  ])(
    '%s: 503 during the pause, no claim left running after it, the retry runs at once',
    async (_case, headers, subject) => {
      await admin.call('CLIENT', 'PAUSE', String(PAUSE_MS), 'ALL');
      const started = Date.now();
      const refused = await call(t.app, 'POST', '/actions/create_ticket', {
        body: ticket(subject),
        headers,
      });
      expect(refused.status).toBe(503);
      expect(refused.body).toEqual({
        code: 'store_unavailable',
        message: expect.stringContaining('not run'),
        request_id: expect.any(String),
      });

      // Once Redis resumes, the queued claim runs, and its release right after it: the claim is
      // gone long before it could have expired (its time to live is 30 s).
      await sleep(Math.max(0, PAUSE_MS - (Date.now() - started)));
      const resumed = Date.now();
      while ((await claims()).includes('running') && Date.now() - resumed < RELEASE_WITHIN_MS) {
        await sleep(50);
      }
      expect(await claims()).not.toContain('running');

      const retry = await call(t.app, 'POST', '/actions/create_ticket', {
        body: ticket(subject),
        headers,
      });
      expect(retry.status).toBe(201);
      // Run, not refused as still in flight (409 after polling the claim for the whole budget).
      expect(retry.headers['idempotent-replayed']).toBeUndefined();
      // And it is recorded: a repeat is a replay of it.
      const repeat = await call(t.app, 'POST', '/actions/create_ticket', {
        body: ticket(subject),
        headers,
      });
      expect(repeat.headers['idempotent-replayed']).toBe('true');
      expect(repeat.body).toEqual(retry.body);
      // The action ran once: during the pause it did not run.
      const listed = await t.post('/interactions/retrieve', {
        auth: DEMO,
        meta: { interaction_types: ['ticket'] },
        data: { contact_external_id: '1' },
      });
      expect(
        (listed.body as { subject: string }[]).filter((i) => i.subject === subject),
      ).toHaveLength(1);
    },
    40_000,
  );
});
