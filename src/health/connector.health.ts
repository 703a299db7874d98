import { Injectable, Optional } from '@nestjs/common';
import { HealthIndicatorResult, HealthIndicatorService } from '@nestjs/terminus';
import { ConnectorPort } from '../connectors/ports';
import { MetricsService } from '../metrics/metrics.service';

const PING_TIMEOUT_MS = 2000;

/** The external system answers a cheap call in time. */
@Injectable()
export class ConnectorHealthIndicator {
  constructor(
    private readonly connector: ConnectorPort,
    private readonly indicator: HealthIndicatorService,
    @Optional() private readonly metrics: MetricsService = MetricsService.disabled(),
  ) {}

  async check(key = 'external_system'): Promise<HealthIndicatorResult> {
    const health = this.indicator.check(key);
    try {
      await this.connector.ping({ signal: AbortSignal.timeout(PING_TIMEOUT_MS) });
      this.metrics.dependencyUp('external_system', true);
      return health.up({ connector: this.connector.kind });
    } catch (error) {
      this.metrics.dependencyUp('external_system', false);
      return health.down({
        connector: this.connector.kind,
        message: error instanceof Error ? error.message : 'unreachable',
      });
    }
  }
}
