import { DynamicModule, Module } from '@nestjs/common';
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
import { SecurityModule } from './security/security.module';
import { StoreModule } from './store/store.module';
import { TalkdeskModule } from './talkdesk/talkdesk.module';

@Module({})
export class AppModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(config),
        LoggerModule.forRoot({
          pinoHttp: {
            level: config.logLevel,
            // Bodies are never logged; headers that can carry secrets are masked.
            redact: {
              paths: [
                'req.headers.authorization',
                'req.headers.cookie',
                'req.headers["x-api-key"]',
                'req.headers["x-bridge-token"]',
              ],
              censor: '[redacted]',
            },
            customLogLevel: (_req, res, error) =>
              error || res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'warn' : 'info',
          },
        }),
        ConnectorsModule.forRoot(config),
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
