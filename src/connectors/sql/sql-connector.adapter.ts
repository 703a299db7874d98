import { Injectable } from '@nestjs/common';
import { sql } from 'kysely';
import { AuthenticationField, CallOptions, ConnectorCapabilities, ConnectorPort } from '../ports';
import { isAbortError, raceSignal } from '../../common/time-budget';
import { classifySqlError } from './sql-errors';
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
    interactionTypes: [...SQL_INTERACTION_TYPES],
    contactSync: 'incremental',
    // contacts.updated_at is a bigint of epoch milliseconds.
    updatedAtPrecisionMs: 1,
  };

  constructor(private readonly sqlDatabase: SqlDatabase) {
    super();
  }

  /** One round trip to the database; a failure names only its code (not the server's address). */
  async ping(options?: CallOptions): Promise<void> {
    const round = sql`select 1`.execute(this.sqlDatabase.db);
    try {
      await (options?.signal ? raceSignal(round, options.signal) : round);
    } catch (error) {
      if (isAbortError(error))
        throw new Error('The database did not answer the ping in time', { cause: error });
      const classified = classifySqlError(error);
      throw classified instanceof Error && classified !== error
        ? classified
        : new Error('The database did not answer the ping', { cause: error });
    }
  }
}
