import {
  AuthenticationField,
  CallOptions,
  ConnectorCapabilities,
  ConnectorPort,
} from '../../../src/connectors/ports';

/** Everything but interactions: what the fake connector can do unless a test says otherwise. */
export function newCapabilities(
  overrides: Partial<ConnectorCapabilities> = {},
): ConnectorCapabilities {
  return {
    authValidation: true,
    contacts: true,
    agents: true,
    interactionTypes: [],
    ...overrides,
  };
}

/** A connector whose capabilities the test chooses; its external system always answers. */
export class FakeConnectorPort extends ConnectorPort {
  readonly kind = 'fake';
  readonly authenticationType = 'custom' as const;
  readonly authenticationFields: AuthenticationField[] = [];
  readonly capabilities: ConnectorCapabilities;

  constructor(capabilities: Partial<ConnectorCapabilities> = {}) {
    super();
    this.capabilities = newCapabilities(capabilities);
  }

  async ping(_options?: CallOptions): Promise<void> {}
}
