import { Injectable, Optional } from '@nestjs/common';
import { HealthIndicatorResult, HealthIndicatorService } from '@nestjs/terminus';
import { MetricsService } from '../metrics/metrics.service';
import { RedisClient } from '../store/redis-client';

const PING_TIMEOUT_MS = 1000;

/**
 * The shared store (Redis, when REDIS_URL is set), reported without deciding readiness: every
 * replica shares it, so taking each out of rotation while Redis is down would stop contact
 * syncs and lookups too, which work without it. Its state is in the details and the
 * `bridge_dependency_up{dependency="store"}` gauge; actions answer 503 meanwhile.
 */
@Injectable()
export class StoreHealthIndicator {
  constructor(
    private readonly indicator: HealthIndicatorService,
    @Optional() private readonly redisClient?: RedisClient,
    @Optional() private readonly metrics: MetricsService = MetricsService.disabled(),
  ) {}

  async check(key = 'store'): Promise<HealthIndicatorResult> {
    const health = this.indicator.check(key);
    const redis = this.redisClient?.redis;
    if (!redis) return health.up({ kind: 'memory' });
    let reachable = true;
    let message: string | undefined;
    try {
      await Promise.race([
        redis.ping(),
        new Promise((_, reject) =>
          setTimeout(() => reject(new Error('no answer in time')), PING_TIMEOUT_MS).unref(),
        ),
      ]);
    } catch (error) {
      reachable = false;
      message = error instanceof Error ? error.message : 'unreachable';
    }
    this.metrics.dependencyUp('store', reachable);
    return health.up({
      kind: 'redis',
      reachable,
      ...(!reachable && {
        message: `Redis does not answer (${message}): actions answer 503, caches miss, no rate limit`,
      }),
    });
  }
}
