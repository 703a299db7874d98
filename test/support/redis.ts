import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';

export const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

/** A key prefix no other test run uses. */
export function uniquePrefix(label: string): string {
  return `test:${label}:${randomUUID()}:`;
}

export function openRedis(): Redis {
  return new Redis(REDIS_URL, { maxRetriesPerRequest: 1 });
}

/** Every key under the prefix, with its value (strings only). */
export async function keysUnder(redis: Redis, prefix: string): Promise<Map<string, string>> {
  const found = new Map<string, string>();
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
    cursor = next;
    for (const key of keys) {
      const type = await redis.type(key);
      found.set(key, type === 'string' ? ((await redis.get(key)) ?? '') : `(${type})`);
    }
  } while (cursor !== '0');
  return found;
}

/** Deletes every key under the prefix. */
export async function deleteUnder(redis: Redis, prefix: string): Promise<void> {
  const keys = [...(await keysUnder(redis, prefix)).keys()];
  if (keys.length > 0) await redis.del(...keys);
}
