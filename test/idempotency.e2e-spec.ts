import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { call } from './support/inject';
import { deleteUnder, keysUnder, openRedis, REDIS_URL, uniquePrefix } from './support/redis';
import { DEMO, OTHER, TestApp, useTestApp } from './support/test-app';

const ticket = (subject: string, contact = '1') => ({
  auth: DEMO,
  meta: { contact_external_id: contact },
  data: { subject, description: 'A call from Jane Doe was missed.' },
});

/** Tickets with this subject on the contact, as the bridge retrieves them. */
async function ticketsWith(t: TestApp, subject: string, contact = '1', auth = DEMO) {
  const res = await t.post('/interactions/retrieve', {
    auth,
    meta: { interaction_types: ['ticket', 'call'] },
    data: { contact_external_id: contact },
  });
  expect(res.status).toBe(200);
  return (res.body as { subject: string }[]).filter((i) => i.subject === subject);
}

describe.each(['memory', 'redis'] as const)('idempotent actions (%s)', (store) => {
  let redis: Redis | undefined;
  const prefix = uniquePrefix('idempotency-e2e');

  beforeAll(() => {
    if (store === 'redis') redis = openRedis();
  });
  const t = useTestApp(store === 'redis' ? { redisUrl: REDIS_URL, redisKeyPrefix: prefix } : {});
  afterAll(async () => {
    if (redis) {
      await deleteUnder(redis, prefix);
      await redis.quit();
    }
  });

  it('runs a repeated action once and answers the repeat with the first status and body', async () => {
    const subject = `Missed call ${randomUUID()}`;
    const first = await call(t.app, 'POST', '/actions/create_ticket', { body: ticket(subject) });
    const second = await call(t.app, 'POST', '/actions/create_ticket', { body: ticket(subject) });
    expect(first.status).toBe(201);
    expect(first.body.external_id).toMatch(/^\d+$/);
    expect(first.headers['idempotent-replayed']).toBeUndefined();
    expect(second.status).toBe(201);
    expect(second.body).toEqual(first.body);
    expect(second.headers['idempotent-replayed']).toBe('true');
    expect(await ticketsWith(t, subject)).toHaveLength(1);
  });

  it('treats the same payload with its keys in another order as the same action', async () => {
    const subject = `Reordered ${randomUUID()}`;
    const body = ticket(subject);
    const reordered = {
      data: { description: body.data.description, subject },
      meta: body.meta,
      auth: DEMO,
    };
    const first = await call(t.app, 'POST', '/actions/create_ticket', { body });
    const second = await call(t.app, 'POST', '/actions/create_ticket', { body: reordered });
    expect(second.body).toEqual(first.body);
    expect(await ticketsWith(t, subject)).toHaveLength(1);
  });

  it('runs concurrent duplicates once: every caller gets the one result', async () => {
    const subject = `Concurrent ${randomUUID()}`;
    const answers = await Promise.all(
      Array.from({ length: 6 }, () =>
        call(t.app, 'POST', '/actions/create_ticket', { body: ticket(subject) }),
      ),
    );
    expect(answers.map((a) => a.status)).toEqual(Array(6).fill(201));
    expect(new Set(answers.map((a) => a.body.external_id)).size).toBe(1);
    expect(answers.filter((a) => a.headers['idempotent-replayed'] === 'true')).toHaveLength(5);
    expect(await ticketsWith(t, subject)).toHaveLength(1);
  });

  it('runs an action again when the payload differs', async () => {
    const subject = `Different ${randomUUID()}`;
    const a = await call(t.app, 'POST', '/actions/create_ticket', { body: ticket(subject) });
    const b = await call(t.app, 'POST', '/actions/create_ticket', {
      body: { ...ticket(subject), data: { subject, description: 'Another description' } },
    });
    expect(b.body.external_id).not.toBe(a.body.external_id);
    expect(await ticketsWith(t, subject)).toHaveLength(2);
  });

  it('keys by account: the same payload and Idempotency-Key of two accounts both run', async () => {
    const key = randomUUID();
    const name = `Jane ${randomUUID()}`;
    const headers = { 'idempotency-key': key };
    const demo = await call(t.app, 'POST', '/actions/create_contact', {
      body: { auth: DEMO, data: { name } },
      headers,
    });
    const other = await call(t.app, 'POST', '/actions/create_contact', {
      body: { auth: OTHER, data: { name } },
      headers,
    });
    expect(demo.status).toBe(201);
    expect(other.status).toBe(201);
    expect(other.headers['idempotent-replayed']).toBeUndefined();
    expect(other.body.contact_external_id).not.toBe(demo.body.contact_external_id);
  });

  it('with an Idempotency-Key: replays the first result; another payload under it is a 422', async () => {
    const headers = { 'idempotency-key': randomUUID() };
    const subject = `Keyed ${randomUUID()}`;
    const first = await call(t.app, 'POST', '/actions/log_call', {
      body: ticket(subject),
      headers,
    });
    const again = await call(t.app, 'POST', '/actions/log_call', {
      body: ticket(subject),
      headers,
    });
    expect(first.status).toBe(201);
    expect(again.body).toEqual(first.body);
    expect(again.headers['idempotent-replayed']).toBe('true');
    const reused = await call(t.app, 'POST', '/actions/log_call', {
      body: ticket(`${subject} changed`),
      headers,
    });
    expect(reused.status).toBe(422);
    expect(reused.body).toEqual({
      code: 'idempotency_key_reused',
      message: expect.stringContaining('Idempotency-Key'),
      request_id: expect.any(String),
    });
    expect(await ticketsWith(t, subject)).toHaveLength(1);
  });

  it('refuses a malformed Idempotency-Key with 400', async () => {
    const res = await call(t.app, 'POST', '/actions/create_ticket', {
      body: ticket('x'),
      headers: { 'idempotency-key': 'x'.repeat(300) },
    });
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('idempotency_key_invalid');
    expect(res.body.message).toContain('Idempotency-Key');
  });

  it('does not record a refusal (400): once the cause is fixed, the same request runs', async () => {
    // The next contact id of this database: the one after a contact created now.
    const probe = await call(t.app, 'POST', '/actions/create_contact', {
      body: { auth: DEMO, data: { name: `Probe ${randomUUID()}` } },
    });
    const next = String(Number(probe.body.contact_external_id) + 1);
    const subject = `Not yet ${randomUUID()}`;
    const refused = await call(t.app, 'POST', '/actions/log_call', { body: ticket(subject, next) });
    expect(refused.status).toBe(400);
    expect(refused.body.code).toBe('action_rejected');
    expect(refused.body.message).toContain('not found');
    const created = await call(t.app, 'POST', '/actions/create_contact', {
      body: { auth: DEMO, data: { name: `Later ${randomUUID()}` } },
    });
    expect(created.body.contact_external_id).toBe(next);
    const retried = await call(t.app, 'POST', '/actions/log_call', { body: ticket(subject, next) });
    expect(retried.status).toBe(201);
    expect(retried.headers['idempotent-replayed']).toBeUndefined();
    expect(await ticketsWith(t, subject, next)).toHaveLength(1);
  });

  if (store === 'redis') {
    it('keeps its records in Redis under the prefix, keyed without credentials', async () => {
      const entries = await keysUnder(redis as Redis, `${prefix}idempotency:`);
      expect(entries.size).toBeGreaterThan(0);
      for (const [key, value] of entries) {
        expect(key).not.toContain(DEMO.username);
        expect(value).not.toContain(DEMO.username);
        expect(value).not.toContain(OTHER.username);
      }
    });
  }
});

describe('idempotent actions across replicas sharing Redis', () => {
  const prefix = uniquePrefix('idempotency-replicas');
  let redis: Redis;

  beforeAll(() => {
    redis = openRedis();
  });
  const a = useTestApp({ redisUrl: REDIS_URL, redisKeyPrefix: prefix });
  // A second replica over the same external system (the same database) and the same Redis.
  const b = useTestApp({ redisUrl: REDIS_URL, redisKeyPrefix: prefix }, { shareDatabaseWith: a });
  afterAll(async () => {
    await deleteUnder(redis, prefix);
    await redis.quit();
  });

  it('runs duplicates sent to different replicas at the same time once', async () => {
    const subject = `Replicas ${randomUUID()}`;
    const answers = await Promise.all(
      [a, b, a, b].map((replica) =>
        call(replica.app, 'POST', '/actions/create_ticket', { body: ticket(subject) }),
      ),
    );
    expect(answers.map((x) => x.status)).toEqual([201, 201, 201, 201]);
    expect(new Set(answers.map((x) => x.body.external_id)).size).toBe(1);
    expect(await ticketsWith(a, subject)).toHaveLength(1);
  });
});

describe('idempotency switched off (IDEMPOTENCY_WINDOW_SECONDS=0)', () => {
  const t = useTestApp({ idempotencyWindowSeconds: 0 });

  it('runs every repeat: what the window prevents', async () => {
    const subject = `Twice ${randomUUID()}`;
    await call(t.app, 'POST', '/actions/create_ticket', { body: ticket(subject) });
    await call(t.app, 'POST', '/actions/create_ticket', { body: ticket(subject) });
    expect(await ticketsWith(t, subject)).toHaveLength(2);
  });
});
