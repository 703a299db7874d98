import { CallOptions } from './account';

export interface AuthenticationField {
  /** Key of the field in `auth`. */
  field_name: string;
  display: string;
  source: 'input' | 'default' | 'auth_validation';
  type: 'input' | 'oauth';
  mandatory: boolean;
  store: boolean;
  help?: string;
  format?: string;
}

export interface ConnectorCapabilities {
  authValidation: boolean;
  contacts: boolean;
  agents: boolean;
  /** Interaction types the adapter can retrieve; empty when it cannot retrieve interactions. */
  interactionTypes: string[];
}

/** What the external system is and can do, for the integration configuration and health checks. */
export abstract class ConnectorPort {
  abstract readonly kind: string;
  abstract readonly authenticationType: 'none' | 'custom' | 'oauth2';
  abstract readonly authenticationFields: AuthenticationField[];
  abstract readonly capabilities: ConnectorCapabilities;
  /** Resolves when the external system answers; rejects with the reason otherwise. */
  abstract ping(options: CallOptions): Promise<void>;
}
