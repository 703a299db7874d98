import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { COMMON_INTERACTION_TYPES } from '../../talkdesk/contract/interactions';

export class AuthenticationFieldDto {
  @ApiProperty({ example: 'username' })
  field_name!: string;

  @ApiProperty({ example: 'Email' })
  display!: string;

  @ApiProperty({ enum: ['input', 'default', 'auth_validation'] })
  source!: string;

  @ApiProperty({ enum: ['input', 'oauth'] })
  type!: string;

  @ApiProperty()
  mandatory!: boolean;

  @ApiProperty()
  store!: boolean;

  @ApiPropertyOptional()
  help?: string;

  @ApiPropertyOptional({ example: 'https://{{account}}.example.org' })
  format?: string;
}

export class IntegrationConfigurationDto {
  @ApiProperty({ example: 'bridge' })
  name!: string;

  @ApiProperty({ example: 'Talkdesk Bridge' })
  display_name!: string;

  @ApiProperty()
  description!: string;

  @ApiProperty({ example: 'https://bridge.example.com/integration/logo.svg' })
  logo_url!: string;

  @ApiProperty({ example: 'https://bridge.example.com/integration/logo.svg' })
  icon_url!: string;

  @ApiProperty({ enum: ['none', 'custom', 'oauth2'] })
  authentication_type!: string;

  @ApiPropertyOptional({ type: [AuthenticationFieldDto] })
  authentication_fields?: AuthenticationFieldDto[];

  @ApiPropertyOptional({ example: 'https://bridge.example.com/auth/validate' })
  auth_validation_endpoint?: string;

  @ApiPropertyOptional({ example: 'https://bridge.example.com/contacts/sync' })
  contact_synchronization_url?: string;

  @ApiPropertyOptional({ example: 'https://bridge.example.com/agents/sync' })
  agent_synchronization_url?: string;

  @ApiPropertyOptional({ example: 'https://bridge.example.com/interactions/retrieve' })
  interaction_retrieval_url?: string;

  @ApiPropertyOptional({ type: [String], example: COMMON_INTERACTION_TYPES })
  interaction_types?: string[];
}

export class ActionInputDto {
  @ApiProperty({ example: 'subject' })
  key!: string;

  @ApiProperty({ example: 'Subject' })
  name!: string;

  @ApiProperty()
  mandatory!: boolean;
}

export class ActionConfigurationDto {
  @ApiProperty({ example: 'bridge' })
  provider!: string;

  @ApiProperty({ example: 'create_ticket' })
  name!: string;

  @ApiProperty({ example: 'Create ticket' })
  display!: string;

  @ApiProperty()
  description!: string;

  @ApiProperty({ example: 'https://bridge.example.com/actions/create_ticket' })
  endpoint!: string;

  @ApiProperty({ type: [ActionInputDto] })
  inputs!: ActionInputDto[];
}
