import type { Redis } from 'ioredis';

/** The Redis connection when REDIS_URL is set (null otherwise); closed when the bridge stops. */
export abstract class RedisClient {
  abstract readonly redis: Redis | null;
}

/**
 * A connection that fails fast instead of queueing: while Redis is unreachable, commands fail at
 * once (the callers decide what that means: a cache miss, no rate limit, or a 503 for actions),
 * so no request waits on it; the client keeps reconnecting in the background.
 */
export async function connectRedis(url: string): Promise<Redis> {
  // Loaded here: without REDIS_URL the bridge never loads the Redis client.
  const { Redis } = await import('ioredis');
  return new Redis(url, {
    connectTimeout: 2000,
    commandTimeout: 1500,
    maxRetriesPerRequest: 1,
    enableOfflineQueue: false,
    retryStrategy: (attempt) => Math.min(attempt * 200, 2000),
  });
}

/** Resolves when the connection is ready, or after `timeoutMs` (false) so a start-up never hangs on Redis. */
export function whenReady(redis: Redis, timeoutMs: number): Promise<boolean> {
  if (redis.status === 'ready') return Promise.resolve(true);
  return new Promise((resolve) => {
    const done = (ready: boolean) => {
      clearTimeout(timer);
      redis.off('ready', onReady);
      resolve(ready);
    };
    const onReady = () => done(true);
    const timer = setTimeout(() => done(false), timeoutMs);
    redis.on('ready', onReady);
  });
}
