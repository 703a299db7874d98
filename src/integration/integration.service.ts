import { Injectable } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { ActionsPort, AuthenticationField, ConnectorPort } from '../connectors/ports';

export interface IntegrationConfiguration {
  name: string;
  display_name: string;
  description: string;
  logo_url: string;
  icon_url: string;
  authentication_type: string;
  authentication_fields?: AuthenticationField[];
  auth_validation_endpoint?: string;
  contact_synchronization_url?: string;
  agent_synchronization_url?: string;
  interaction_retrieval_url?: string;
  interaction_types?: string[];
}

export interface ActionConfiguration {
  provider: string;
  name: string;
  display: string;
  description: string;
  endpoint: string;
  inputs: { key: string; name: string; mandatory: boolean }[];
}

/** Renders what Talkdesk must be told about this deployment; features the adapter lacks are left out. */
@Injectable()
export class IntegrationService {
  constructor(
    private readonly config: AppConfig,
    private readonly connector: ConnectorPort,
    private readonly actions: ActionsPort,
  ) {}

  private url(path: string): string {
    return `${this.config.publicBaseUrl}${path}`;
  }

  configuration(): IntegrationConfiguration {
    const { capabilities } = this.connector;
    const configuration: IntegrationConfiguration = {
      name: this.config.integrationName,
      display_name: this.config.integrationDisplayName,
      description: this.config.integrationDescription,
      logo_url: this.url('/integration/logo.svg'),
      icon_url: this.url('/integration/logo.svg'),
      authentication_type: this.connector.authenticationType,
    };
    // `custom` lists every field; `oauth2` lists the ones asked besides the token (a tenant,
    // an organization), when the connector has any.
    const fields = this.connector.authenticationFields;
    if (
      this.connector.authenticationType === 'custom' ||
      (this.connector.authenticationType === 'oauth2' && fields.length > 0)
    ) {
      configuration.authentication_fields = fields;
    }
    if (capabilities.authValidation)
      configuration.auth_validation_endpoint = this.url('/auth/validate');
    if (capabilities.contacts)
      configuration.contact_synchronization_url = this.url('/contacts/sync');
    if (capabilities.agents) configuration.agent_synchronization_url = this.url('/agents/sync');
    if (capabilities.interactionTypes.length > 0) {
      configuration.interaction_retrieval_url = this.url('/interactions/retrieve');
      configuration.interaction_types = capabilities.interactionTypes;
    }
    return configuration;
  }

  actionConfigurations(): ActionConfiguration[] {
    return this.actions.definitions.map((action) => ({
      provider: this.config.integrationName,
      name: action.name,
      display: action.display,
      description: action.description,
      endpoint: this.url(`/actions/${action.name}`),
      inputs: action.inputs.map(({ key, name, mandatory }) => ({ key, name, mandatory })),
    }));
  }
}
