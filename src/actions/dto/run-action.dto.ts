import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsObject, IsOptional, ValidateNested } from 'class-validator';
import { AuthenticatedRequestDto } from '../../talkdesk/dto/authenticated-request.dto';
import { IsStringOrNumber } from '../../talkdesk/validators';

export class ActionMetaDto {
  @ApiPropertyOptional({ example: '1', oneOf: [{ type: 'string' }, { type: 'number' }] })
  @IsOptional()
  @IsStringOrNumber()
  contact_external_id?: string | number | null;

  @ApiPropertyOptional({ example: '2', oneOf: [{ type: 'string' }, { type: 'number' }] })
  @IsOptional()
  @IsStringOrNumber()
  agent_external_id?: string | number | null;
}

export class RunActionRequestDto extends AuthenticatedRequestDto {
  @ApiPropertyOptional({ type: ActionMetaDto, nullable: true })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => ActionMetaDto)
  meta?: ActionMetaDto | null;

  @ApiPropertyOptional({
    description: "The action's inputs, by key (see GET /integration/actions).",
    type: 'object',
    additionalProperties: true,
    example: {
      subject: 'Call missed in Talkdesk',
      description: 'A call from Jane Doe was missed.',
    },
  })
  @IsOptional()
  @IsObject()
  data?: Record<string, unknown> | null;
}

export class ActionResultDto {
  @ApiPropertyOptional({ example: 'Ticket 3012 created' })
  message?: string;

  @ApiPropertyOptional({
    description: 'Id of a created resource other than a contact.',
    example: '3012',
  })
  external_id?: string;

  @ApiPropertyOptional({ description: 'Id of a created contact.', example: '1501' })
  contact_external_id?: string;

  @ApiPropertyOptional({ example: 'contact' })
  contact_external_type?: string;

  @ApiPropertyOptional({
    description: 'Link to the created contact (used for contact pop).',
    example: 'https://crm.example.com/contacts/1501',
  })
  contact_external_url?: string;
}
