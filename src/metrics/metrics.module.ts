import { DynamicModule, Global, Module } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
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
      ],
      exports: [MetricsService],
    };
  }
}
