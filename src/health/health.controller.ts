import { Controller, Get } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { HealthCheck, HealthCheckResult, HealthCheckService } from '@nestjs/terminus';
import { ConnectorHealthIndicator } from './connector.health';
import { PublicEndpoint } from '../security/public-endpoint.decorator';

@ApiTags('Health')
@PublicEndpoint()
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly connector: ConnectorHealthIndicator,
  ) {}

  @Get('live')
  @HealthCheck()
  @ApiOperation({ summary: 'Liveness: the process serves requests' })
  live(): Promise<HealthCheckResult> {
    return this.health.check([]);
  }

  @Get('ready')
  @HealthCheck()
  @ApiOperation({ summary: 'Readiness: the external system is reachable' })
  ready(): Promise<HealthCheckResult> {
    return this.health.check([() => this.connector.check()]);
  }
}
