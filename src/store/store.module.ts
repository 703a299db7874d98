import {
  DynamicModule,
  Global,
  Logger,
  Module,
  OnApplicationBootstrap,
  OnApplicationShutdown,
} from '@nestjs/common';
import type { Redis } from 'ioredis';
import { AppConfig } from '../config/app-config';
import { PacingCounters } from '../connectors/ports/pacing-counters';
import { SharedPages } from '../connectors/ports/shared-pages';
import { KeyValueStores } from './key-value-store';
import { MemoryKeyValueStores } from './memory-key-value.store';
import { connectRedis, RedisClient, whenReady } from './redis-client';
import { RedisKeyValueStores } from './redis-key-value.store';
import { RedisSharedPages } from './redis-shared-pages';

class RedisConnection extends RedisClient implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Redis');

  constructor(readonly redis: Redis | null) {
    super();
    // Without a listener, ioredis reports every failed reconnection as an unhandled error.
    redis?.on('error', (error: Error) => this.reportError(error));
  }

  private lastReport = 0;
  private reportError(error: Error): void {
    if (Date.now() - this.lastReport < 10_000) return;
    this.lastReport = Date.now();
    this.logger.warn(`Redis: ${error.message}`);
  }

  /** Gives Redis a moment to connect before the first requests; starts without it if it is down. */
  async onApplicationBootstrap(): Promise<void> {
    if (this.redis && !(await whenReady(this.redis, 3000))) {
      this.logger.warn('Redis is not reachable yet; the bridge starts and keeps reconnecting');
    }
  }

  async onApplicationShutdown(): Promise<void> {
    if (!this.redis) return;
    if (this.redis.status !== 'ready') {
      this.redis.disconnect();
      return;
    }
    try {
      await this.redis.quit();
    } catch {
      this.redis.disconnect();
    }
  }
}

/** Binds KeyValueStores to memory, or to Redis when REDIS_URL is set (see docs/security-and-resilience.md). */
@Global()
@Module({})
export class StoreModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: StoreModule,
      providers: [
        {
          provide: RedisClient,
          useFactory: async () =>
            new RedisConnection(config.redisUrl ? await connectRedis(config.redisUrl) : null),
        },
        {
          provide: KeyValueStores,
          inject: [RedisClient],
          useFactory: ({ redis }: RedisClient) =>
            redis
              ? new RedisKeyValueStores(redis, config.redisKeyPrefix)
              : new MemoryKeyValueStores(),
        },
        {
          // The REST connector's pacing windows, shared by the replicas with Redis.
          provide: PacingCounters,
          inject: [KeyValueStores],
          useFactory: (stores: KeyValueStores) => stores.open('pacing', { maxEntries: 10_000 }),
        },
        {
          // Upstream pages the REST connector keeps for a run's next batch: in Redis, so the
          // replica serving that batch finds them; without Redis, none (each keeps its own).
          provide: SharedPages,
          inject: [RedisClient],
          useFactory: ({ redis }: RedisClient) =>
            redis ? new RedisSharedPages(redis, `${config.redisKeyPrefix}pages:`) : null,
        },
      ],
      exports: [RedisClient, KeyValueStores, PacingCounters, SharedPages],
    };
  }
}
