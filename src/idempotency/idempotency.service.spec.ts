import { randomUUID } from 'node:crypto';
import { HttpStatus } from '@nestjs/common';
import { Redis } from 'ioredis';
import { loadConfig } from '../config/app-config';
import { KeyValueStores } from '../store/key-value-store';
import { MemoryKeyValueStores } from '../store/memory-key-value.store';
import { RedisKeyValueStores } from '../store/redis-key-value.store';
import { TimeBudget } from '../common/time-budget';
import { ActionInFlightException, IdempotencyKeyReusedException } from './idempotency.errors';
import { IdempotencyService, RecordedResponse } from './idempotency.service';

const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

/** Work that counts its runs and finishes (or fails) when told to, once it has started. */
function controllable(body: unknown = { message: 'done' }) {
  let runs = 0;
  const pending: { resolve: (r: RecordedResponse) => void; reject: (e: Error) => void }[] = [];
  const started = async () => {
    while (pending.length === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    return pending.shift() as (typeof pending)[number];
  };
  return {
    work: () =>
      new Promise<RecordedResponse>((resolve, reject) => {
        runs++;
        pending.push({ resolve, reject });
      }),
    runs: () => runs,
    finish: async () => (await started()).resolve({ status: 201, body }),
    fail: async (error: Error) => (await started()).reject(error),
  };
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 20));
const until = async (condition: () => boolean) => {
  while (!condition()) await new Promise((resolve) => setTimeout(resolve, 5));
};

describe.each(['memory', 'redis'] as const)('IdempotencyService (%s)', (kind) => {
  let redis: Redis | undefined;
  const prefix = `test:idempotency:${randomUUID()}:`;

  beforeAll(() => {
    if (kind === 'redis') redis = new Redis(REDIS_URL, { maxRetriesPerRequest: 1 });
  });
  afterAll(async () => {
    if (!redis) return;
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length) await redis.del(...keys);
    await redis.quit();
  });

  const service = (settings: Record<string, string> = {}) => {
    const stores: KeyValueStores = redis
      ? new RedisKeyValueStores(redis, `${prefix}${randomUUID()}:`)
      : new MemoryKeyValueStores();
    return new IdempotencyService(stores, loadConfig(settings));
  };
  const budget = (ms = 5000) => new TimeBudget(ms);
  const scope = { accountKey: 'sql:1', action: 'create_ticket', payload: { data: { s: 'x' } } };

  it('runs a repeated action once and replays the first response', async () => {
    const idempotency = service();
    const task = controllable({ external_id: '7' });
    const first = idempotency.run(scope, budget(), task.work);
    await settle();
    await task.finish();
    expect(await first).toEqual({
      response: { status: 201, body: { external_id: '7' } },
      replayed: false,
    });
    const again = await idempotency.run(
      { ...scope, payload: { data: { s: 'x' } } },
      budget(),
      task.work,
    );
    expect(again).toEqual({
      response: { status: 201, body: { external_id: '7' } },
      replayed: true,
    });
    expect(task.runs()).toBe(1);
  });

  it('lets a duplicate that arrives while the first runs wait for its result', async () => {
    const idempotency = service();
    const task = controllable({ external_id: '8' });
    const first = idempotency.run(scope, budget(), task.work);
    await until(() => task.runs() === 1);
    const second = idempotency.run(scope, budget(), task.work);
    await settle();
    await task.finish();
    const [a, b] = await Promise.all([first, second]);
    expect(task.runs()).toBe(1);
    expect(b.response).toEqual(a.response);
    expect(b.replayed).toBe(true);
  });

  it('answers 409 when the first is still running as the duplicate runs out of time', async () => {
    const idempotency = service();
    const task = controllable();
    const first = idempotency.run(scope, budget(), task.work);
    await until(() => task.runs() === 1);
    const error = await idempotency.run(scope, budget(300), task.work).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ActionInFlightException);
    expect((error as ActionInFlightException).code).toBe('action_in_flight');
    expect((error as ActionInFlightException).status).toBe(HttpStatus.CONFLICT);
    expect((error as ActionInFlightException).responseHeaders['retry-after']).toBe('1');
    await task.finish();
    await first;
    expect(task.runs()).toBe(1);
  });

  it('does not record failures: a retry runs the action again', async () => {
    const idempotency = service();
    const failing = controllable();
    const first = idempotency.run(scope, budget(), failing.work);
    await settle();
    await failing.fail(new Error('refused'));
    await expect(first).rejects.toThrow('refused');
    const retry = controllable({ ok: true });
    const second = idempotency.run(scope, budget(), retry.work);
    await settle();
    await retry.finish();
    expect(await second).toEqual({
      response: { status: 201, body: { ok: true } },
      replayed: false,
    });
  });

  it('keys by account: the same payload of another account runs', async () => {
    const idempotency = service();
    const task = controllable();
    const a = idempotency.run(scope, budget(), task.work);
    await settle();
    await task.finish();
    await a;
    const b = idempotency.run({ ...scope, accountKey: 'sql:2' }, budget(), task.work);
    await settle();
    await task.finish();
    expect((await b).replayed).toBe(false);
    expect(task.runs()).toBe(2);
  });

  it('with an Idempotency-Key: replays for the same payload, refuses another payload (422)', async () => {
    const idempotency = service();
    const task = controllable();
    const keyed = { ...scope, idempotencyKey: 'key-1' };
    const first = idempotency.run(keyed, budget(), task.work);
    await settle();
    await task.finish();
    await first;
    expect((await idempotency.run(keyed, budget(), task.work)).replayed).toBe(true);
    await expect(
      idempotency.run({ ...keyed, payload: { data: { s: 'other' } } }, budget(), task.work),
    ).rejects.toBeInstanceOf(IdempotencyKeyReusedException);
    expect(task.runs()).toBe(1);
  });

  it('merges an identical payload only within IDEMPOTENCY_WINDOW_SECONDS of the first answer', async () => {
    const idempotency = service({ IDEMPOTENCY_WINDOW_SECONDS: '1' });
    const task = controllable();
    const first = idempotency.run(scope, budget(), task.work);
    await settle();
    await task.finish();
    expect((await first).replayed).toBe(false);
    expect((await idempotency.run(scope, budget(), task.work)).replayed).toBe(true);

    // After the window, the same payload is a new action.
    await new Promise((resolve) => setTimeout(resolve, 1100));
    const later = idempotency.run(scope, budget(), task.work);
    await settle();
    await task.finish();
    expect((await later).replayed).toBe(false);
    expect(task.runs()).toBe(2);
  });

  it('runs every time when the window is 0 and no key is sent', async () => {
    const idempotency = service({ IDEMPOTENCY_WINDOW_SECONDS: '0' });
    const task = controllable();
    for (let i = 0; i < 2; i++) {
      const run = idempotency.run(scope, budget(), task.work);
      await settle();
      await task.finish();
      expect((await run).replayed).toBe(false);
    }
    expect(task.runs()).toBe(2);
  });
});

describe('IdempotencyService.checkKey', () => {
  it('accepts visible ASCII up to 255 characters and refuses the rest', () => {
    expect(IdempotencyService.checkKey(undefined)).toBeUndefined();
    expect(IdempotencyService.checkKey('3f1c-AB_9')).toBe('3f1c-AB_9');
    for (const bad of ['', 'a b', 'x'.repeat(256), 'é']) {
      expect(() => IdempotencyService.checkKey(bad)).toThrow('Idempotency-Key');
    }
  });
});
