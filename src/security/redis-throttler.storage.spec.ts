import { randomUUID } from 'node:crypto';
import { Logger } from '@nestjs/common';
import { Redis } from 'ioredis';
import { expectFixedWindowCounting } from '../../test/support/throttler-storage-contract';
import { RateLimitTracker } from './rate-limit-tracker';
import { RedisThrottlerStorage } from './redis-throttler.storage';

const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

describe('RedisThrottlerStorage (real Redis)', () => {
  const prefix = `test:throttle:${randomUUID()}:`;
  let redis: Redis;

  beforeAll(() => {
    redis = new Redis(REDIS_URL, { maxRetriesPerRequest: 1 });
  });
  afterAll(async () => {
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length) await redis.del(...keys);
    await redis.quit();
  });

  it('counts hits in a window and blocks past the limit, with the time to wait', async () => {
    await expectFixedWindowCounting(new RedisThrottlerStorage(redis, prefix));
  });

  it('counts concurrent hits exactly (one atomic script per hit)', async () => {
    const storage = new RedisThrottlerStorage(redis, prefix);
    const results = await Promise.all(
      Array.from({ length: 50 }, () => storage.increment('c', 60_000, 10, 60_000, 'default')),
    );
    expect(results.filter((r) => !r.isBlocked)).toHaveLength(10);
    expect(Math.max(...results.map((r) => r.totalHits))).toBe(50);
  });

  it('lets requests through when Redis does not answer', async () => {
    const dead = new Redis('redis://127.0.0.1:1', {
      maxRetriesPerRequest: 0,
      enableOfflineQueue: false,
      lazyConnect: true,
      retryStrategy: () => null,
    });
    const warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    try {
      const storage = new RedisThrottlerStorage(dead, prefix);
      const record = await storage.increment('x', 1000, 1, 1000, 'default');
      expect(record.isBlocked).toBe(false);
      expect(warn).toHaveBeenCalledWith(expect.stringContaining('Rate limiting is off'));
    } finally {
      warn.mockRestore();
      dead.disconnect();
    }
  });
});

describe('RateLimitTracker', () => {
  it('names an account by an HMAC of its auth, never by the credentials', async () => {
    const tracker = new RateLimitTracker(null, 'unused');
    const auth = { username: 'demo@example.com', password: 'demo' };
    const name = await tracker.track({ body: { auth }, ip: '10.0.0.1' });
    expect(name).toMatch(/^account:[A-Za-z0-9_-]{43}$/);
    expect(name).not.toContain('demo');
    // the same account, keys in another order: the same name; another account: another name
    expect(
      await tracker.track({ body: { auth: { password: 'demo', username: 'demo@example.com' } } }),
    ).toBe(name);
    expect(await tracker.track({ body: { auth: { ...auth, password: 'other' } } })).not.toBe(name);
  });

  it('names an account by its identity, the same name on every request', async () => {
    const identityOf = (auth: Record<string, unknown>) =>
      typeof auth.username === 'string' ? auth.username.trim().toLowerCase() : undefined;
    const tracker = new RateLimitTracker(null, 'unused', { identityOf });
    const first = await tracker.track({
      body: { auth: { username: 'Demo@example.com', password: 'a' } },
    });
    expect(first).toMatch(/^account:[A-Za-z0-9_-]{43}$/);
    expect(first).not.toContain('demo');
    // remembered or not, a new password or case is the same account; another user another one
    for (let i = 0; i < 3; i++) {
      expect(
        await tracker.track({
          body: { auth: { username: 'demo@example.com', password: `p${i}` } },
        }),
      ).toBe(first);
    }
    expect(await tracker.track({ body: { auth: { username: 'other@example.com' } } })).not.toBe(
      first,
    );
    // without an identity, the canonical auth is named afresh each time (never remembered)
    expect(await tracker.track({ body: { auth: { api_token: 't' } } })).toBe(
      await tracker.track({ body: { auth: { api_token: 't' } } }),
    );
  });

  it('falls back to the address when the body has no auth object', async () => {
    const tracker = new RateLimitTracker(null, 'unused');
    expect(await tracker.track({ body: undefined, ip: '10.0.0.1' })).toBe('ip:10.0.0.1');
    expect(await tracker.track({ body: { auth: 'x' }, ip: '10.0.0.1' })).toBe('ip:10.0.0.1');
  });

  it('agrees across replicas through a salt shared in Redis', async () => {
    const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: 1 });
    const saltKey = `test:salt:${randomUUID()}`;
    try {
      const request = { body: { auth: { api_token: 't0k3n' } } };
      const a = await new RateLimitTracker(redis, saltKey).track(request);
      const b = await new RateLimitTracker(redis, saltKey).track(request);
      expect(a).toBe(b);
      const local = await new RateLimitTracker(null, saltKey).track(request);
      expect(local).not.toBe(a);
    } finally {
      await redis.del(saltKey);
      await redis.quit();
    }
  });
});
