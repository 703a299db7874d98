import type { Redis } from 'ioredis';
import {
  KeyValueStore,
  KeyValueStores,
  StoreOptions,
  StoreUnavailableError,
} from './key-value-store';

const REPLACE_IF_EQUALS = `
if redis.call('GET', KEYS[1]) == ARGV[1] then
  redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3])
  return 1
end
return 0`;

const DELETE_IF_EQUALS = `
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0`;

const INCREMENT = `
local value = redis.call('INCR', KEYS[1])
redis.call('PEXPIRE', KEYS[1], ARGV[1])
return value`;

const ttl = (ms: number) => String(Math.max(1, Math.ceil(ms)));

/** A KeyValueStore in Redis under `prefix`; compare-and-set operations are Lua scripts, so atomic. */
export class RedisKeyValueStore extends KeyValueStore {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {
    super();
  }

  private async call<T>(operation: () => Promise<T>): Promise<T> {
    try {
      return await operation();
    } catch (error) {
      throw new StoreUnavailableError(
        `Redis did not answer: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
  }

  get(key: string): Promise<string | null> {
    return this.call(() => this.redis.get(this.prefix + key));
  }

  async set(key: string, value: string, ttlMs: number): Promise<void> {
    await this.call(() => this.redis.set(this.prefix + key, value, 'PX', ttl(ttlMs)));
  }

  async setIfAbsent(key: string, value: string, ttlMs: number): Promise<boolean> {
    const answer = await this.call(() =>
      this.redis.set(this.prefix + key, value, 'PX', ttl(ttlMs), 'NX'),
    );
    return answer === 'OK';
  }

  async replaceIfEquals(
    key: string,
    expected: string,
    value: string,
    ttlMs: number,
  ): Promise<boolean> {
    const answer = await this.call(() =>
      this.redis.eval(REPLACE_IF_EQUALS, 1, this.prefix + key, expected, value, ttl(ttlMs)),
    );
    return answer === 1;
  }

  async deleteIfEquals(key: string, expected: string): Promise<boolean> {
    const answer = await this.call(() =>
      this.redis.eval(DELETE_IF_EQUALS, 1, this.prefix + key, expected),
    );
    return answer === 1;
  }

  async delete(key: string): Promise<void> {
    await this.call(() => this.redis.del(this.prefix + key));
  }

  async increment(key: string, ttlMs: number): Promise<number> {
    const answer = await this.call(() =>
      this.redis.eval(INCREMENT, 1, this.prefix + key, ttl(ttlMs)),
    );
    return Number(answer);
  }
}

export class RedisKeyValueStores extends KeyValueStores {
  readonly shared = true;

  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {
    super();
  }

  open(namespace: string, _options: StoreOptions): KeyValueStore {
    return new RedisKeyValueStore(this.redis, `${this.prefix}${namespace}:`);
  }
}
