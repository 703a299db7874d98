import { DynamicModule, Module } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import { destination, DestinationStream } from 'pino';
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

/**
 * stdout through sonic-boom, as pino's default, but synchronous unless LOG_SYNC=false. An
 * asynchronous destination gathers the lines made while a write is in flight; under load they
 * wait long enough to be promoted out of the young generation (measured: docs/benchmarks.md), and
 * its buffer has no bound when the reader of stdout is slower than the bridge. A synchronous
 * write blocks the event loop for as long as a full pipe takes to drain instead.
 */
function stdoutDestination(sync: boolean): DestinationStream {
  // pino's own rule: a process.stdout whose write was replaced (a test capturing the logs, a
  // platform wrapping stdout) is written to as it is, not bypassed through its descriptor.
  const stdout = process.stdout as NodeJS.WriteStream & { constructor: { prototype: object } };
  const replaced = stdout.write !== (stdout.constructor.prototype as typeof stdout).write;
  return replaced ? stdout : destination({ dest: 1, sync, minLength: 0 });
}

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
    const logDestination = options.logDestination ?? stdoutDestination(config.logSync);
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(config),
        LoggerModule.forRoot({
          pinoHttp: [pinoOptions, logDestination],
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
