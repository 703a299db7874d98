import type { Redis } from 'ioredis';
import { MAX_SHARED_ENTRY_BYTES, SharedPages } from '../connectors/ports/shared-pages';

/**
 * Adds a page to an entry (a hash: one field a page, `#` the bytes held) and sets the entry's
 * expiry in the same script, so no key is ever left without one; refuses a page that would
 * take the entry over its bound (replicas adding to one entry share that bound).
 */
const PUT = `
local size = tonumber(redis.call('HGET', KEYS[1], '#') or '0')
  - redis.call('HSTRLEN', KEYS[1], ARGV[1]) + string.len(ARGV[2])
if size > tonumber(ARGV[4]) then return 0 end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2], '#', size)
redis.call('PEXPIRE', KEYS[1], ARGV[3])
return 1`;

/**
 * SharedPages in Redis: each entry one hash under `prefix`, so whichever replica consumes an
 * entry deletes it whole with one DEL, without knowing which pages another replica put in it.
 */
export class RedisSharedPages extends SharedPages {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly maxEntryBytes = MAX_SHARED_ENTRY_BYTES,
  ) {
    super();
  }

  get(entry: string, page: string): Promise<string | null> {
    return this.redis.hget(this.prefix + entry, page);
  }

  async put(entry: string, page: string, value: string, ttlMs: number): Promise<boolean> {
    const ttl = String(Math.max(1, Math.ceil(ttlMs)));
    const answer = await this.redis.eval(
      PUT,
      1,
      this.prefix + entry,
      page,
      value,
      ttl,
      String(this.maxEntryBytes),
    );
    return answer === 1;
  }

  async drop(entry: string): Promise<void> {
    await this.redis.del(this.prefix + entry);
  }
}
