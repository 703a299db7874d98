import { DynamicModule, Type } from '@nestjs/common';
import { ActionsPort, AgentsPort, ContactsPort, CredentialsPort, InteractionsPort } from './ports';

/** The connectors the bridge has (CONNECTOR chooses one). */
export const CONNECTORS = ['sql', 'rest'] as const;
export type ConnectorKind = (typeof CONNECTORS)[number];

/** What an adapter module hands ConnectorsModule: its adapters, one per data port, and how to read its errors. */
export interface ConnectorBinding {
  /** Provides and exports the adapter classes below, and ConnectorPort. */
  module: Type<unknown> | DynamicModule;
  credentials: Type<CredentialsPort>;
  contacts: Type<ContactsPort>;
  agents: Type<AgentsPort>;
  interactions: Type<InteractionsPort>;
  actions: Type<ActionsPort>;
  /** Maps the adapter's own errors to UpstreamError / RetryableUpstreamError (see ports/errors.ts). */
  classifyError?: (error: unknown) => unknown;
}
