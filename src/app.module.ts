import { DynamicModule, Module, RequestMethod } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
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
import { TalkdeskModule } from './talkdesk/talkdesk.module';

@Module({})
export class AppModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(config),
        LoggerModule.forRoot({
          // nestjs-pino's default route ('{/*splat}') matches no request on the Fastify adapter,
          // which left every request unlogged and service logs without their request id.
          forRoutes: [{ path: '{*splat}', method: RequestMethod.ALL }],
          pinoHttp: {
            level: config.logLevel,
            // Bodies are never logged; headers that can carry secrets are masked.
            redact: {
              paths: [
                'req.headers.authorization',
                'req.headers.cookie',
                'req.headers["x-api-key"]',
              ],
              censor: '[redacted]',
            },
            customLogLevel: (_req, res, error) =>
              error || res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'warn' : 'info',
          },
        }),
        ConnectorsModule.forRoot(config),
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
