import { Injectable } from '@nestjs/common';
import { sql } from 'kysely';
import {
  AccountRef,
  ActionDefinition,
  ActionOutcome,
  ActionRequest,
  ActionsPort,
  AgentsPort,
  AuthenticatedAccount,
  AuthenticationField,
  AuthFields,
  CallOptions,
  ConnectorCapabilities,
  ConnectorPort,
  ContactBatch,
  ContactLookup,
  ContactQuery,
  ContactsPort,
  CredentialsPort,
  InteractionQuery,
  InteractionRecord,
  InteractionsPort,
  UserBatch,
} from '../../ports';
import { ActionRejectedError } from '../../ports/errors';
import { isAbortError, raceSignal } from '../../../common/time-budget';
import { classifySqlError } from '../sql-errors';
import { MappedSql, tenantOf } from './mapped-sql';

/** The ports over a database the user already has, as its SQL manifest describes it. */

@Injectable()
export class MappedCredentialsAdapter extends CredentialsPort {
  constructor(private readonly mapped: MappedSql) {
    super();
  }

  override identityOf(auth: AuthFields): string | undefined {
    const credentials = this.mapped.credentials;
    return 'identityOf' in credentials ? credentials.identityOf(auth) : undefined;
  }

  async authenticate(auth: AuthFields): Promise<AuthenticatedAccount | null> {
    const result = await this.mapped.credentials.check(auth);
    return result ? { account: this.mapped.account(result.tenant) } : null;
  }
}

@Injectable()
export class MappedContactsAdapter extends ContactsPort {
  constructor(private readonly mapped: MappedSql) {
    super();
  }

  listContacts(account: AccountRef, query: ContactQuery): Promise<ContactBatch> {
    return this.mapped.contacts.list(tenantOf(account), query);
  }
}

@Injectable()
export class MappedAgentsAdapter extends AgentsPort {
  constructor(private readonly mapped: MappedSql) {
    super();
  }

  async listUsers(account: AccountRef, position: number | null, limit: number): Promise<UserBatch> {
    if (!this.mapped.agents) return { records: [], next: null };
    return this.mapped.agents.list(tenantOf(account), position, limit);
  }
}

@Injectable()
export class MappedInteractionsAdapter extends InteractionsPort {
  constructor(private readonly mapped: MappedSql) {
    super();
  }

  async findInteractions(
    account: AccountRef,
    contact: ContactLookup,
    query: InteractionQuery,
  ): Promise<InteractionRecord[] | null> {
    if (!this.mapped.interactions) return [];
    return this.mapped.interactions.find(tenantOf(account), contact, query);
  }
}

@Injectable()
export class MappedActionsAdapter extends ActionsPort {
  readonly definitions: ActionDefinition[];

  constructor(private readonly mapped: MappedSql) {
    super();
    this.definitions = mapped.actions.definitions;
  }

  async run(account: AccountRef, name: string, request: ActionRequest): Promise<ActionOutcome> {
    const outcome = await this.mapped.actions.run(tenantOf(account), name, request);
    if (!outcome) throw new ActionRejectedError(`Unknown action ${name}`);
    return outcome;
  }
}

@Injectable()
export class MappedConnectorAdapter extends ConnectorPort {
  readonly kind: string;
  readonly authenticationType = 'custom';
  readonly authenticationFields: AuthenticationField[];
  readonly capabilities: ConnectorCapabilities;

  constructor(private readonly mapped: MappedSql) {
    super();
    const m = mapped.manifest;
    this.kind = `sql:${m.name}`;
    this.authenticationFields = m.authenticationFields;
    this.capabilities = {
      authValidation: true,
      contacts: true,
      agents: m.agents !== undefined,
      interactionTypes: mapped.interactions?.types ?? [],
      contactSync: 'incremental',
      // What the update-time column can tell apart: runs and checkpoints are truncated to it.
      updatedAtPrecisionMs: mapped.contacts.time.precisionMs,
    };
  }

  override get manifestName(): string {
    return this.mapped.manifest.name;
  }

  async ping(options?: CallOptions): Promise<void> {
    const round = this.mapped.client.all(sql`select 1`.compile(this.mapped.client.builder));
    try {
      await (options?.signal ? raceSignal(round, options.signal) : round);
    } catch (error) {
      if (isAbortError(error)) {
        throw new Error('The database did not answer the ping in time', { cause: error });
      }
      const classified = classifySqlError(error);
      throw classified instanceof Error && classified !== error
        ? classified
        : new Error('The database did not answer the ping', { cause: error });
    }
  }
}
