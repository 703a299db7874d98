import { DynamicModule, Module, RequestMethod } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import { DestinationStream } from 'pino';
import { ActionsModule } from './actions/actions.module';
import { AgentsModule } from './agents/agents.module';
import { AuthModule } from './auth/auth.module';
import { AppConfig } from './config/app-config';
import { ConfigModule } from './config/config.module';
import { ConnectorsModule } from './connectors/connectors.module';
import { ContactsModule } from './contacts/contacts.module';
import { HealthModule } from './health/health.module';
import { IntegrationModule } from './integration/integration.module';
import { InteractionsModule } from './interactions/interactions.module';
import { LifecycleModule } from './lifecycle/lifecycle.module';
import { MetricsModule } from './metrics/metrics.module';
import { LOG_REDACT_PATHS } from './talkdesk/log-redaction';
import { requestLogOptions } from './talkdesk/request-log';
import { SecurityModule } from './security/security.module';
import { StoreModule } from './store/store.module';
import { TalkdeskModule } from './talkdesk/talkdesk.module';
import type { BridgeTracing } from './tracing/bridge-tracing';
import { TracingModule } from './tracing/tracing.module';

@Module({})
export class AppModule {
  /**
   * Async because the connector's module is loaded on demand (ConnectorsModule.forRoot); a
   * mistake in its settings (a REST manifest) is thrown from here, before Nest starts.
   */
  static async forRoot(
    config: AppConfig,
    options: { logDestination?: DestinationStream; tracing?: BridgeTracing } = {},
  ): Promise<DynamicModule> {
    const { tracing } = options;
    const connectors = await ConnectorsModule.forRoot(config);
    const pinoOptions = {
      level: config.logLevel,
      // Lines logged while serving a request (services included) carry its id as request_id.
      quietReqLogger: true,
      customAttributeKeys: { reqId: 'request_id' },
      // Bodies are never logged; headers and fields that can carry secrets are masked.
      redact: { paths: LOG_REDACT_PATHS, censor: '[redacted]' },
      // One short line per request (headers only at debug), probes at debug, level names.
      ...requestLogOptions(config.logLevel),
      // Traced, every line carries the trace and span it was logged in.
      ...(tracing && { mixin: () => tracing.logFields() }),
    } as const;
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(config),
        LoggerModule.forRoot({
          pinoHttp: options.logDestination ? [pinoOptions, options.logDestination] : pinoOptions,
          // Fields assigned during a request (the account's hash) reach its closing line too.
          assignResponse: true,
          // Every route. (The module's default, "{/*splat}", is prefixed into "/{/*splat}" by
          // @fastify/middie 9.3 and then matches no request at all: no request would be logged.)
          forRoutes: [
            { path: '/', method: RequestMethod.ALL },
            { path: '/*path', method: RequestMethod.ALL },
          ],
        }),
        LifecycleModule,
        MetricsModule.forRoot(config),
        ...(tracing ? [TracingModule.forRoot(tracing)] : []),
        connectors,
        StoreModule.forRoot(config),
        SecurityModule,
        TalkdeskModule,
        AuthModule,
        ContactsModule,
        AgentsModule,
        InteractionsModule,
        ActionsModule,
        IntegrationModule,
        HealthModule,
      ],
    };
  }
}
