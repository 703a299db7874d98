import { Controller, Get } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { HealthCheck, HealthCheckResult, HealthCheckService } from '@nestjs/terminus';
import { ConnectorHealthIndicator } from './connector.health';
import { ShutdownHealthIndicator } from './shutdown.health';
import { StoreHealthIndicator } from './store.health';
import { PublicEndpoint } from '../security/public-endpoint.decorator';

@ApiTags('Operations')
@PublicEndpoint()
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly connector: ConnectorHealthIndicator,
    private readonly shutdown: ShutdownHealthIndicator,
    private readonly store: StoreHealthIndicator,
  ) {}

  @Get('live')
  @HealthCheck()
  @ApiOperation({ summary: 'Liveness: the process serves requests' })
  live(): Promise<HealthCheckResult> {
    return this.health.check([]);
  }

  @Get('ready')
  @HealthCheck()
  @ApiOperation({
    summary: 'Readiness: not shutting down, and the external system is reachable',
    description:
      'The details also report the shared store (Redis): its state never makes the bridge unready, since every replica shares it and syncs work without it.',
  })
  ready(): Promise<HealthCheckResult> {
    // Once draining, answer 503 at once without waiting for the external system.
    if (this.shutdown.check().lifecycle.status === 'down') {
      return this.health.check([() => this.shutdown.check()]);
    }
    return this.health.check([
      () => this.shutdown.check(),
      () => this.connector.check(),
      () => this.store.check(),
    ]);
  }
}
