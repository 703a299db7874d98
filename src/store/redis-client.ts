import { Redis } from 'ioredis';

/** The Redis connection when REDIS_URL is set (null otherwise); closed when the bridge stops. */
export abstract class RedisClient {
  abstract readonly redis: Redis | null;
}

/**
 * A connection that fails fast instead of queueing for ever: a request must not wait on a
 * Redis that is down longer than a second or two (the callers decide what a failure means).
 */
export function connectRedis(url: string): Redis {
  return new Redis(url, {
    connectTimeout: 2000,
    commandTimeout: 1500,
    maxRetriesPerRequest: 1,
    enableOfflineQueue: true,
    retryStrategy: (attempt) => Math.min(attempt * 200, 2000),
  });
}
