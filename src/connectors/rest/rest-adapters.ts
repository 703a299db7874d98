import { Injectable, OnApplicationShutdown } from '@nestjs/common';
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
} from '../ports';
import { RestConnector } from './engine/rest-connector';

/** The ports over the manifest-driven RestConnector: each adapter only forwards. */

@Injectable()
export class RestConnectorAdapter extends ConnectorPort implements OnApplicationShutdown {
  constructor(private readonly rest: RestConnector) {
    super();
  }

  get kind(): string {
    return this.rest.kind;
  }

  override get manifestName(): string {
    return this.rest.manifestName;
  }

  get authenticationType(): 'none' | 'custom' | 'oauth2' {
    return this.rest.authenticationType;
  }

  get authenticationFields(): AuthenticationField[] {
    return this.rest.authenticationFields;
  }

  get capabilities(): ConnectorCapabilities {
    return this.rest.capabilities;
  }

  ping(options: CallOptions): Promise<void> {
    return this.rest.ping(options.signal);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.rest.close();
  }
}

@Injectable()
export class RestCredentialsAdapter extends CredentialsPort {
  constructor(private readonly rest: RestConnector) {
    super();
  }

  override identityOf(auth: AuthFields): string | undefined {
    return this.rest.identityOf(auth);
  }

  authenticate(auth: AuthFields, options: CallOptions): Promise<AuthenticatedAccount | null> {
    return this.rest.authenticate(auth, options.signal);
  }
}

@Injectable()
export class RestContactsAdapter extends ContactsPort {
  constructor(private readonly rest: RestConnector) {
    super();
  }

  listContacts(
    account: AccountRef,
    query: ContactQuery,
    options: CallOptions,
  ): Promise<ContactBatch> {
    return this.rest.listContacts(account, query, options.signal);
  }
}

@Injectable()
export class RestAgentsAdapter extends AgentsPort {
  constructor(private readonly rest: RestConnector) {
    super();
  }

  listUsers(
    account: AccountRef,
    position: number | null,
    limit: number,
    options: CallOptions,
  ): Promise<UserBatch> {
    return this.rest.listUsers(account, position, limit, options.signal);
  }
}

@Injectable()
export class RestInteractionsAdapter extends InteractionsPort {
  constructor(private readonly rest: RestConnector) {
    super();
  }

  findInteractions(
    account: AccountRef,
    contact: ContactLookup,
    query: InteractionQuery,
    options: CallOptions,
  ): Promise<InteractionRecord[] | null> {
    return this.rest.findInteractions(account, contact, query, options.signal);
  }
}

@Injectable()
export class RestActionsAdapter extends ActionsPort {
  constructor(private readonly rest: RestConnector) {
    super();
  }

  get definitions(): ActionDefinition[] {
    return this.rest.definitions;
  }

  run(
    account: AccountRef,
    name: string,
    request: ActionRequest,
    options: CallOptions,
  ): Promise<ActionOutcome> {
    return this.rest.runAction(account, name, request, options.signal);
  }
}
