import { DynamicModule, Global, Module } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { UpstreamObserver } from '../connectors/ports';
import { MetricsController } from './metrics.controller';
import { MetricsService } from './metrics.service';

/**
 * Makes MetricsService injectable everywhere and serves GET /metrics, unless METRICS_ENABLED is
 * false: then the service records nothing and the route does not exist.
 */
@Global()
@Module({})
export class MetricsModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: MetricsModule,
      controllers: config.metricsEnabled ? [MetricsController] : [],
      providers: [
        {
          provide: MetricsService,
          useFactory: (settings: AppConfig) => new MetricsService(settings.metricsEnabled),
          inject: [AppConfig],
        },
        // What the connectors report to: they take this token, never the metrics module itself.
        {
          provide: UpstreamObserver,
          useFactory: (metrics: MetricsService) => metrics.upstreamObserver(),
          inject: [MetricsService],
        },
      ],
      exports: [MetricsService, UpstreamObserver],
    };
  }
}
