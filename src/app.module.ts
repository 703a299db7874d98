import { DynamicModule, Module } from '@nestjs/common';
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
import { requestLogFields, requestLogOptions } from './talkdesk/request-log';
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
      // Bodies are never logged; headers and fields that can carry secrets are masked.
      redact: { paths: LOG_REDACT_PATHS, censor: '[redacted]' },
      // Level names; headers in the request log only at debug.
      ...requestLogOptions(config.logLevel),
      // Lines logged while serving a request (services included) carry its id as request_id and
      // its account; traced, every line also carries the trace and span it was logged in.
      mixin: tracing
        ? (line: object) => ({ ...requestLogFields(line), ...tracing.logFields() })
        : requestLogFields,
    } as const;
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(config),
        LoggerModule.forRoot({
          pinoHttp: options.logDestination ? [pinoOptions, options.logDestination] : pinoOptions,
          // No request middleware: the request log is written by a Fastify hook (startRequestLog),
          // one line per request built when it ends, instead of two child loggers, a serialized
          // request and NestJS's middleware layer on every request.
          forRoutes: [],
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
