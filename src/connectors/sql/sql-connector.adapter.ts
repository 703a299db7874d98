import { Injectable } from '@nestjs/common';
import { sql } from 'kysely';
import { AuthenticationField, ConnectorCapabilities, ConnectorPort } from '../ports';
import { SqlDatabase } from './sql-database';
import { SQL_INTERACTION_TYPES } from './sql-interactions.adapter';

@Injectable()
export class SqlConnectorAdapter extends ConnectorPort {
  readonly kind = 'sql';
  readonly authenticationType = 'custom';
  readonly authenticationFields: AuthenticationField[] = [
    {
      field_name: 'username',
      display: 'Email',
      source: 'input',
      type: 'input',
      mandatory: true,
      store: true,
      help: 'The email you sign in to the system of record with',
    },
    {
      field_name: 'password',
      display: 'Password',
      source: 'input',
      type: 'input',
      mandatory: true,
      store: true,
    },
  ];
  readonly capabilities: ConnectorCapabilities = {
    authValidation: true,
    contacts: true,
    agents: true,
    interactionTypes: SQL_INTERACTION_TYPES,
  };

  constructor(private readonly sqlDatabase: SqlDatabase) {
    super();
  }

  async ping(): Promise<void> {
    await sql`select 1`.execute(this.sqlDatabase.db);
  }
}
