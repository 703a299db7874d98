import { DynamicModule, Global, Module } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { ConnectorPort, UpstreamObserver } from '../connectors/ports';
import { buildInfo } from './build-info';
import { MetricsController } from './metrics.controller';
import { MetricsService } from './metrics.service';

/**
 * Makes MetricsService injectable everywhere and serves GET /metrics, unless METRICS_ENABLED is
 * false: then the service records nothing and the route does not exist.
 */
/** The injection token of the running bridge's BuildInfo. */
export const BUILD_INFO = Symbol('BUILD_INFO');

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
        // bridge_build_info, once the connector (and its manifest) is known; with it, whether
        // tokens are signed with the shared TOKEN_SECRET.
        {
          provide: BUILD_INFO,
          useFactory: (metrics: MetricsService, settings: AppConfig, connector?: ConnectorPort) => {
            const info = buildInfo(settings, connector);
            metrics.reportBuild(info);
            metrics.tokenSecretConfigured(Boolean(settings.tokenSecret));
            return info;
          },
          inject: [MetricsService, AppConfig, { token: ConnectorPort, optional: true }],
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
