import { DynamicModule, Global, Module, OnApplicationShutdown } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { AppConfig } from '../config/app-config';
import { KeyValueStores } from './key-value-store';
import { MemoryKeyValueStores } from './memory-key-value.store';
import { connectRedis, RedisClient } from './redis-client';
import { RedisKeyValueStores } from './redis-key-value.store';

class RedisConnection extends RedisClient implements OnApplicationShutdown {
  constructor(readonly redis: Redis | null) {
    super();
  }

  async onApplicationShutdown(): Promise<void> {
    if (!this.redis) return;
    try {
      await this.redis.quit();
    } catch {
      this.redis.disconnect();
    }
  }
}

/** Binds KeyValueStores to memory, or to Redis when REDIS_URL is set (see README: Security and resilience). */
@Global()
@Module({})
export class StoreModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: StoreModule,
      providers: [
        {
          provide: RedisClient,
          useFactory: () =>
            new RedisConnection(config.redisUrl ? connectRedis(config.redisUrl) : null),
        },
        {
          provide: KeyValueStores,
          inject: [RedisClient],
          useFactory: ({ redis }: RedisClient) =>
            redis
              ? new RedisKeyValueStores(redis, config.redisKeyPrefix)
              : new MemoryKeyValueStores(),
        },
      ],
      exports: [RedisClient, KeyValueStores],
    };
  }
}
