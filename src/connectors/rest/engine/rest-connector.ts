import {
  AccountRef,
  ActionDefinition,
  ActionOutcome,
  ActionRequest,
  AuthenticatedAccount,
  AuthenticationField,
  AuthFields,
  ConnectorCapabilities,
  ContactBatch,
  ContactLookup,
  ContactQuery,
  InteractionQuery,
  InteractionRecord,
  UserBatch,
} from '../../ports';
import { CompiledManifest } from '../manifest/compiled';
import { ActionsCapability } from './capabilities/actions';
import { AgentsCapability } from './capabilities/agents';
import { ContactsCapability } from './capabilities/contacts';
import { CredentialsCapability } from './capabilities/credentials';
import { InteractionsCapability } from './capabilities/interactions';
import { identityOf } from './rest-account';
import { RestClient, RestConnectorOptions } from './rest-client';

export { RestAccount } from './rest-account';
export type { ConnectorObserver, RestConnectorOptions } from './rest-client';

/**
 * The REST connector, driven by a compiled manifest: a shared client (rest-client.ts: the
 * exchange, authentication strategies in auth/, paging strategies in paginators/) and one
 * module per capability in capabilities/. The Nest adapters delegate to it; so does the check
 * tool.
 */
export class RestConnector {
  private readonly client: RestClient;
  private readonly credentials: CredentialsCapability;
  private readonly contacts: ContactsCapability;
  private readonly agents: AgentsCapability;
  private readonly interactions: InteractionsCapability;
  private readonly actions: ActionsCapability;

  constructor(
    readonly manifest: CompiledManifest,
    options: RestConnectorOptions = {},
  ) {
    this.client = new RestClient(manifest, options);
    this.credentials = new CredentialsCapability(this.client);
    this.contacts = new ContactsCapability(this.client);
    this.agents = new AgentsCapability(this.client);
    this.interactions = new InteractionsCapability(this.client);
    this.actions = new ActionsCapability(this.client);
  }

  get kind(): string {
    return this.client.kind;
  }

  get manifestName(): string {
    return this.manifest.name;
  }

  get authenticationType(): 'none' | 'custom' | 'oauth2' {
    return this.manifest.authenticationType;
  }

  get authenticationFields(): AuthenticationField[] {
    return this.manifest.authenticationFields.map(({ secret: _secret, ...field }) => ({
      ...field,
    }));
  }

  get definitions(): ActionDefinition[] {
    return this.actions.definitions;
  }

  get capabilities(): ConnectorCapabilities {
    const m = this.manifest;
    return {
      authValidation: !!m.credentialCheck,
      contacts: !!m.contacts,
      agents: !!m.agents,
      interactionTypes: m.interactions ? [...m.interactions.types] : [],
      contactSync: m.contacts?.incremental ? 'incremental' : 'full',
      ...(m.contacts?.incremental && m.contacts.fullSync && { fullSyncOrder: 'unordered' }),
      ...(m.contacts?.incremental?.lookbackMs && {
        minimumLookbackMs: m.contacts.incremental.lookbackMs,
      }),
      ...(m.contacts?.incremental && { updatedAtPrecisionMs: m.contacts.incremental.precisionMs }),
      ...(m.contacts?.incremental?.visibilityDelayMs && {
        visibilityDelayMs: m.contacts.incremental.visibilityDelayMs,
      }),
    };
  }

  close(): Promise<void> {
    return this.client.close();
  }

  /**
   * Who credentials claim to be: the manifest's authentication fields that are not secret (a
   * subdomain, an email), trimmed and lower-cased; undefined when every field is secret.
   */
  identityOf(auth: AuthFields): string | undefined {
    return identityOf(this.manifest, auth);
  }

  authenticate(auth: AuthFields, signal: AbortSignal): Promise<AuthenticatedAccount | null> {
    return this.credentials.authenticate(auth, signal);
  }

  ping(signal: AbortSignal): Promise<void> {
    return this.credentials.ping(signal);
  }

  listContacts(
    account: AccountRef,
    query: ContactQuery,
    signal: AbortSignal,
  ): Promise<ContactBatch> {
    return this.contacts.listContacts(account, query, signal);
  }

  listUsers(
    account: AccountRef,
    position: number | null,
    limit: number,
    signal: AbortSignal,
  ): Promise<UserBatch> {
    return this.agents.listUsers(account, position, limit, signal);
  }

  findInteractions(
    account: AccountRef,
    contact: ContactLookup,
    query: InteractionQuery,
    signal: AbortSignal,
  ): Promise<InteractionRecord[] | null> {
    return this.interactions.findInteractions(account, contact, query, signal);
  }

  runAction(
    account: AccountRef,
    name: string,
    request: ActionRequest,
    signal: AbortSignal,
  ): Promise<ActionOutcome> {
    return this.actions.runAction(account, name, request, signal);
  }
}
