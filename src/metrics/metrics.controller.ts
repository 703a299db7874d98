import { Controller, Get, Header } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import { MetricsService } from './metrics.service';

/** Prometheus text exposition format, version 0.0.4 (what prom-client writes). */
export const PROMETHEUS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

@ApiTags('Operations')
@Controller('metrics')
export class MetricsController {
  constructor(private readonly metrics: MetricsService) {}

  @Get()
  @Header('content-type', PROMETHEUS_CONTENT_TYPE)
  @Header('cache-control', 'no-store')
  @ApiOperation({
    summary: 'Prometheus metrics',
    description:
      'Requests by route and status with latency histograms, external-system calls (latency, outcome, retries, circuit breaker), contacts and agents synced, records dropped, phones normalized, cache lookups, and the Node.js process metrics. Not labelled by account. Disabled with METRICS_ENABLED=false.',
  })
  @ApiProduces('text/plain')
  @ApiOkResponse({
    description: 'The metrics in Prometheus text format 0.0.4',
    content: { 'text/plain': { schema: { type: 'string' } } },
  })
  scrape(): Promise<string> {
    return this.metrics.scrape();
  }
}
