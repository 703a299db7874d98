import { Module } from '@nestjs/common';
import {
  ActionsPort,
  AgentsPort,
  ConnectorPort,
  ContactsPort,
  CredentialsPort,
  InteractionsPort,
} from '../ports';
import { SqlActionsAdapter } from './sql-actions.adapter';
import { SqlAgentsAdapter } from './sql-agents.adapter';
import { SqlConnectorAdapter } from './sql-connector.adapter';
import { SqlContactsAdapter } from './sql-contacts.adapter';
import { SqlCredentialsAdapter } from './sql-credentials.adapter';
import { SqlDatabase } from './sql-database';
import { SqlInteractionsAdapter } from './sql-interactions.adapter';

const PORTS = [
  ConnectorPort,
  CredentialsPort,
  ContactsPort,
  AgentsPort,
  InteractionsPort,
  ActionsPort,
];

@Module({
  providers: [
    SqlDatabase,
    { provide: ConnectorPort, useClass: SqlConnectorAdapter },
    { provide: CredentialsPort, useClass: SqlCredentialsAdapter },
    { provide: ContactsPort, useClass: SqlContactsAdapter },
    { provide: AgentsPort, useClass: SqlAgentsAdapter },
    { provide: InteractionsPort, useClass: SqlInteractionsAdapter },
    { provide: ActionsPort, useClass: SqlActionsAdapter },
  ],
  exports: [SqlDatabase, ...PORTS],
})
export class SqlConnectorModule {}
