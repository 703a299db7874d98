import { DynamicModule, Global, Module } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { SqlConnectorModule } from './sql/sql-connector.module';

/** Binds the ports to the adapter the configuration chose (CONNECTOR). */
@Global()
@Module({})
export class ConnectorsModule {
  static forRoot(config: AppConfig): DynamicModule {
    const adapter = { sql: SqlConnectorModule }[config.connector];
    return { module: ConnectorsModule, imports: [adapter], exports: [adapter] };
  }
}
