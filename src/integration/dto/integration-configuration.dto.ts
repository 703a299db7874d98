import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { COMMON_INTERACTION_TYPES } from '../../talkdesk/contract/interactions';

/** One field a user fills in (or Talkdesk fills) to activate the integration. */
export class AuthenticationFieldDto {
  @ApiProperty({
    description: 'The key of the field in the `auth` object Talkdesk sends with every request.',
    example: 'username',
  })
  field_name!: string;

  @ApiProperty({ description: 'The label Talkdesk shows beside the field.', example: 'Email' })
  display!: string;

  @ApiProperty({
    description:
      'Who gives the value: `input`, the user activating the integration; `default`, the configuration itself; `auth_validation`, the answer of authorization validation (a 200 with the field).',
    enum: ['input', 'default', 'auth_validation'],
    example: 'input',
  })
  source!: string;

  @ApiProperty({
    description:
      '`input`: a value typed in; `oauth`: a token Talkdesk obtains through OAuth 2.0 and refreshes after a 401.',
    enum: ['input', 'oauth'],
    example: 'input',
  })
  type!: string;

  @ApiProperty({
    description: 'Whether Talkdesk requires the field before activating the integration.',
    example: true,
  })
  mandatory!: boolean;

  @ApiProperty({
    description: 'Whether Talkdesk keeps the value and sends it in `auth` with every request.',
    example: true,
  })
  store!: boolean;

  @ApiPropertyOptional({
    description: 'A hint Talkdesk shows under the field.',
    example: 'The email you sign in to the CRM with',
  })
  help?: string;

  @ApiPropertyOptional({
    description: 'The format the value must follow (e.g. a URL template).',
    example: 'https://{{account}}.example.org',
  })
  format?: string;
}

/** What Talkdesk must be told about the integration (Integration configuration). */
export class IntegrationConfigurationDto {
  @ApiProperty({
    description:
      "The integration's unique system name at Talkdesk (INTEGRATION_NAME); actions name it as their `provider`.",
    example: 'bridge',
  })
  name!: string;

  @ApiProperty({
    description: 'The name Talkdesk shows to users (INTEGRATION_DISPLAY_NAME).',
    example: 'Talkdesk Bridge',
  })
  display_name!: string;

  @ApiProperty({
    description: 'What the integration does, as Talkdesk shows it (INTEGRATION_DESCRIPTION).',
    example: 'Contacts, agents, tickets and notes from our system of record, beside every call.',
  })
  description!: string;

  @ApiProperty({
    description: "URL of the integration's logo, shown in Talkdesk's integration list.",
    example: 'https://bridge.example.com/integration/logo.svg',
  })
  logo_url!: string;

  @ApiProperty({
    description: "URL of the integration's small icon, shown beside its data in Talkdesk.",
    example: 'https://bridge.example.com/integration/logo.svg',
  })
  icon_url!: string;

  @ApiProperty({
    description:
      'How Talkdesk authenticates to the external system: `none`; `custom`, with the authentication_fields; `oauth2`, Talkdesk runs the OAuth 2.0 exchange and sends the access token in `auth`.',
    enum: ['none', 'custom', 'oauth2'],
    example: 'custom',
  })
  authentication_type!: string;

  @ApiPropertyOptional({
    type: [AuthenticationFieldDto],
    description:
      'The fields a user fills in to activate the integration (mandatory with `custom`; with `oauth2`, the ones asked besides the token, such as an organization); Talkdesk sends them in `auth`.',
  })
  authentication_fields?: AuthenticationFieldDto[];

  @ApiPropertyOptional({
    description:
      'Where Talkdesk validates credentials when a user activates the integration; absent when the external system cannot.',
    example: 'https://bridge.example.com/auth/validate',
  })
  auth_validation_endpoint?: string;

  @ApiPropertyOptional({
    description:
      'Where Talkdesk pulls contacts, periodically; absent (contact sync off) when the external system has none.',
    example: 'https://bridge.example.com/contacts/sync',
  })
  contact_synchronization_url?: string;

  @ApiPropertyOptional({
    description:
      'Where Talkdesk pulls the users it links to its agents by email; absent (agent sync off) when the external system has none.',
    example: 'https://bridge.example.com/agents/sync',
  })
  agent_synchronization_url?: string;

  @ApiPropertyOptional({
    description:
      "Where Talkdesk fetches a contact's interactions when a user opens it; absent when the external system has none.",
    example: 'https://bridge.example.com/interactions/retrieve',
  })
  interaction_retrieval_url?: string;

  @ApiPropertyOptional({
    type: [String],
    description:
      'The interaction types the bridge can retrieve; Talkdesk asks for some of them in meta.interaction_types.',
    example: COMMON_INTERACTION_TYPES,
  })
  interaction_types?: string[];
}

export class ActionInputDto {
  @ApiProperty({
    description: 'The key of the input in the `data` of an action request.',
    example: 'subject',
  })
  key!: string;

  @ApiProperty({ description: 'The label Talkdesk shows for the input.', example: 'Subject' })
  name!: string;

  @ApiProperty({
    description: 'Whether Talkdesk refuses to run the action without the input.',
    example: true,
  })
  mandatory!: boolean;
}

/** One action Talkdesk can run, configured separately from the integration. */
export class ActionConfigurationDto {
  @ApiProperty({ description: "The integration's `name`.", example: 'bridge' })
  provider!: string;

  @ApiProperty({
    description: "The action's name, unique in the integration.",
    example: 'create_ticket',
  })
  name!: string;

  @ApiProperty({
    description: 'The label Talkdesk shows for the action.',
    example: 'Create ticket',
  })
  display!: string;

  @ApiProperty({
    description: 'What the action does, as Talkdesk shows it.',
    example: 'Opens a ticket on the contact (meta.contact_external_id) in the system of record.',
  })
  description!: string;

  @ApiProperty({
    description: 'Where Talkdesk POSTs to run the action.',
    example: 'https://bridge.example.com/actions/create_ticket',
  })
  endpoint!: string;

  @ApiProperty({ type: [ActionInputDto], description: 'The inputs Talkdesk sends in `data`.' })
  inputs!: ActionInputDto[];
}
