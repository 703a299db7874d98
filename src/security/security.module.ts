import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { ThrottlerModule } from '@nestjs/throttler';
import { AppConfig } from '../config/app-config';
import { RedisClient } from '../store/redis-client';
import { AccountThrottlerGuard } from './account-throttler.guard';
import { CredentialBackoffGuard } from './credential-backoff.guard';
import { CredentialsPort } from '../connectors/ports';
import { InboundGuard } from './inbound.guard';
import { MemoryThrottlerStorage } from './memory-throttler.storage';
import { RateLimitTracker } from './rate-limit-tracker';
import { RedisThrottlerStorage } from './redis-throttler.storage';

/**
 * Inbound protection of the webhooks, as global guards in this order: IP allow-list and bridge
 * token (InboundGuard), then the per-account rate limit (counters in Redis when REDIS_URL is set),
 * then the back-off after rejected credentials (CredentialBackoffGuard). No interceptor: NestJS
 * then calls the handlers without an rxjs pipeline around each request.
 */
@Module({
  imports: [
    ThrottlerModule.forRootAsync({
      inject: [AppConfig, RedisClient, { token: CredentialsPort, optional: true }],
      useFactory: (config: AppConfig, { redis }: RedisClient, credentials?: CredentialsPort) => {
        const tracker = new RateLimitTracker(
          redis,
          `${config.redisKeyPrefix}rate-limit:salt`,
          credentials,
        );
        return {
          throttlers: [
            {
              name: 'default',
              ttl: config.rateLimitWindowSeconds * 1000,
              limit: Math.max(1, config.rateLimitMax),
              skipIf: () => config.rateLimitMax === 0,
            },
            // Every account of one caller together: off by default, since Talkdesk calls every
            // account's webhooks from the same few addresses.
            {
              name: 'address',
              ttl: config.rateLimitWindowSeconds * 1000,
              limit: Math.max(1, config.rateLimitAddressMax),
              skipIf: () => config.rateLimitAddressMax === 0,
              getTracker: (request: { ip?: string }) => `ip:${request.ip ?? ''}`,
            },
          ],
          storage: redis
            ? new RedisThrottlerStorage(redis, `${config.redisKeyPrefix}rate-limit:`)
            : new MemoryThrottlerStorage(),
          getTracker: (request: { body?: unknown; ip?: string }) => tracker.track(request),
          errorMessage:
            'Too many requests for this account: slow down and retry after the Retry-After header',
        };
      },
    }),
  ],
  providers: [
    { provide: APP_GUARD, useClass: InboundGuard },
    { provide: APP_GUARD, useClass: AccountThrottlerGuard },
    { provide: APP_GUARD, useClass: CredentialBackoffGuard },
  ],
})
export class SecurityModule {}
