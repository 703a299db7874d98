import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import { KeyValueStore } from './key-value-store';
import { MemoryKeyValueStore } from './memory-key-value.store';
import { RedisKeyValueStore } from './redis-key-value.store';

const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

/** The same contract for both stores; the Redis one runs against the real server. */
describe.each(['memory', 'redis'] as const)('%s KeyValueStore', (kind) => {
  let redis: Redis | undefined;
  let store: KeyValueStore;
  const prefix = `test:kv:${randomUUID()}:`;

  beforeAll(() => {
    if (kind === 'redis') redis = new Redis(REDIS_URL, { maxRetriesPerRequest: 1 });
  });
  beforeEach(() => {
    store =
      kind === 'redis'
        ? new RedisKeyValueStore(redis as Redis, `${prefix}${randomUUID()}:`)
        : new MemoryKeyValueStore(1000);
  });
  afterAll(async () => {
    if (!redis) return;
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length) await redis.del(...keys);
    await redis.quit();
  });

  it('lets exactly one of many concurrent setIfAbsent calls win', async () => {
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) => store.setIfAbsent('claim', `v${i}`, 10_000)),
    );
    expect(results.filter(Boolean)).toHaveLength(1);
    const winner = results.indexOf(true);
    expect(await store.get('claim')).toBe(`v${winner}`);
  });

  it('replaces and deletes only while the value is the expected one', async () => {
    await store.set('k', 'a', 10_000);
    expect(await store.replaceIfEquals('k', 'b', 'c', 10_000)).toBe(false);
    expect(await store.get('k')).toBe('a');
    expect(await store.replaceIfEquals('k', 'a', 'c', 10_000)).toBe(true);
    expect(await store.get('k')).toBe('c');
    expect(await store.deleteIfEquals('k', 'a')).toBe(false);
    expect(await store.deleteIfEquals('k', 'c')).toBe(true);
    expect(await store.get('k')).toBeNull();
    expect(await store.replaceIfEquals('absent', 'a', 'b', 10_000)).toBe(false);
  });

  it('counts', async () => {
    expect(await store.increment('n', 10_000)).toBe(1);
    expect(await store.increment('n', 10_000)).toBe(2);
    expect(await store.get('n')).toBe('2');
  });

  it('forgets keys when they expire', async () => {
    await store.set('short', 'x', 50);
    expect(await store.setIfAbsent('short', 'y', 50)).toBe(false);
    await sleep(120);
    expect(await store.get('short')).toBeNull();
    expect(await store.setIfAbsent('short', 'y', 50)).toBe(true);
  });
});

describe('MemoryKeyValueStore bounds', () => {
  it('keeps at most maxEntries keys, dropping the oldest first', async () => {
    const store = new MemoryKeyValueStore(100);
    for (let i = 0; i < 250; i++) await store.set(`k${i}`, 'v', 60_000);
    expect(store.size).toBeLessThanOrEqual(100);
    expect(await store.get('k249')).toBe('v');
    expect(await store.get('k0')).toBeNull();
  });
});
