import { DynamicModule, Module } from '@nestjs/common';
import { ConnectorPort } from '../ports';
import type { ConnectorBinding } from '../connector-binding';
import { SqlActionsAdapter } from './sql-actions.adapter';
import { SqlAgentsAdapter } from './sql-agents.adapter';
import { SqlConnectorAdapter } from './sql-connector.adapter';
import { SqlContactsAdapter } from './sql-contacts.adapter';
import { SqlCredentialsAdapter } from './sql-credentials.adapter';
import { SqlDatabase } from './sql-database';
import { classifySqlError } from './sql-errors';
import { SqlInteractionsAdapter } from './sql-interactions.adapter';
import { SqlSettings } from './sql-settings';

const ADAPTERS = [
  SqlCredentialsAdapter,
  SqlContactsAdapter,
  SqlAgentsAdapter,
  SqlInteractionsAdapter,
  SqlActionsAdapter,
];

/**
 * The SQL adapters. The data ports are bound in ConnectorsModule, behind the upstream guard;
 * ConnectorPort (what the system is, and the health ping) is bound here, unguarded.
 */
@Module({})
export class SqlConnectorModule {
  static forRoot(settings: SqlSettings): DynamicModule {
    return {
      module: SqlConnectorModule,
      providers: [
        { provide: SqlSettings, useValue: settings },
        SqlDatabase,
        { provide: ConnectorPort, useClass: SqlConnectorAdapter },
        ...ADAPTERS,
      ],
      exports: [SqlDatabase, ConnectorPort, ...ADAPTERS],
    };
  }
}

/**
 * The binding ConnectorsModule uses for CONNECTOR=sql: over the database a manifest describes
 * when CONNECTOR_MANIFEST names one (loaded only then), else over the bridge's own tables.
 */
export async function sqlConnectorBinding(settings: SqlSettings): Promise<ConnectorBinding> {
  const manifest = settings.connectorManifest;
  if (manifest) {
    const { mappedSqlBinding } = await import('./mapped/mapped-sql.module.js');
    return mappedSqlBinding({ ...settings, connectorManifest: manifest });
  }
  return ownTablesBinding(settings);
}

const ownTablesBinding = (settings: SqlSettings): ConnectorBinding => ({
  module: SqlConnectorModule.forRoot(settings),
  credentials: SqlCredentialsAdapter,
  contacts: SqlContactsAdapter,
  agents: SqlAgentsAdapter,
  interactions: SqlInteractionsAdapter,
  actions: SqlActionsAdapter,
  classifyError: classifySqlError,
});
