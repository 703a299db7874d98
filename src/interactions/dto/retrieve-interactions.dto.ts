import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsDefined, IsObject, IsOptional, IsString, ValidateNested } from 'class-validator';
import { AuthenticatedRequestDto } from '../../talkdesk/dto/authenticated-request.dto';
import { IsStringArray, IsStringOrNumber } from '../../talkdesk/validators';
import {
  COMMON_INTERACTION_TYPES,
  PRIORITIES,
  STATUSES,
} from '../../talkdesk/contract/interactions';

export class InteractionMetaDto {
  @ApiPropertyOptional({
    description: 'Types to retrieve; absent means every type the integration declares.',
    type: [String],
    example: COMMON_INTERACTION_TYPES,
  })
  @IsOptional()
  @IsStringArray()
  interaction_types?: string[] | null;
}

export class InteractionContactDto {
  @ApiPropertyOptional({ example: '1', oneOf: [{ type: 'string' }, { type: 'number' }] })
  @IsOptional()
  @IsStringOrNumber()
  contact_external_id?: string | number | null;

  @ApiPropertyOptional({ example: 'Jane Doe' })
  @IsOptional()
  @IsString()
  contact_name?: string | null;

  @ApiPropertyOptional({ type: [String], example: ['jane@example.com'] })
  @IsOptional()
  @IsStringArray()
  contact_emails?: (string | null)[] | null;

  @ApiPropertyOptional({ type: [String], example: ['+15555555555'] })
  @IsOptional()
  @IsStringArray()
  contact_phones?: (string | null)[] | null;
}

export class RetrieveInteractionsRequestDto extends AuthenticatedRequestDto {
  @ApiPropertyOptional({ type: InteractionMetaDto, nullable: true })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => InteractionMetaDto)
  meta?: InteractionMetaDto | null;

  @ApiProperty({
    type: InteractionContactDto,
    description: 'The contact: found by its external id, or else by its emails and phones.',
  })
  @IsDefined()
  @IsObject()
  @ValidateNested()
  @Type(() => InteractionContactDto)
  data!: InteractionContactDto;
}

export class InteractionDto {
  @ApiProperty({ description: 'The interaction id in the external system.', example: '17' })
  id!: string;

  @ApiProperty({ example: 'ticket' })
  type!: string;

  @ApiProperty({ example: 'Cannot log in' })
  subject!: string;

  @ApiProperty({ example: 'The customer cannot log in since the update.' })
  description!: string;

  @ApiProperty({ format: 'date-time', example: '2026-01-05T10:20:30.000Z' })
  date!: string;

  @ApiPropertyOptional({ example: 'https://crm.example.com/tickets/17' })
  url?: string;

  @ApiProperty({ enum: PRIORITIES, example: 'normal' })
  priority!: string;

  @ApiProperty({ enum: STATUSES, example: 'open' })
  status!: string;
}
