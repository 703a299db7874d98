import { Injectable } from '@nestjs/common';
import { HealthIndicatorResult, HealthIndicatorService } from '@nestjs/terminus';
import { ShutdownState } from '../lifecycle/shutdown-state';

/** Down from the moment the process starts shutting down: no new work should be routed here. */
@Injectable()
export class ShutdownHealthIndicator {
  constructor(
    private readonly shutdown: ShutdownState,
    private readonly indicator: HealthIndicatorService,
  ) {}

  check(key = 'lifecycle'): HealthIndicatorResult {
    const health = this.indicator.check(key);
    return this.shutdown.draining
      ? health.down({ message: 'shutting down', in_flight: this.shutdown.inFlight })
      : health.up();
  }
}
