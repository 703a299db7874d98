import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsObject, IsOptional, IsString, ValidateNested } from 'class-validator';
import { AuthenticatedRequestDto } from '../../talkdesk/dto/authenticated-request.dto';
import { ANY_JSON_VALUE } from '../../talkdesk/dto/json-value';
import { IsStringOrNumber } from '../../talkdesk/validators';

export class ContactSyncMetaDto {
  @ApiPropertyOptional({
    description:
      'The checkpoint of the last synchronization (absent or null on the initial sync). Opaque: send back what the bridge returned.',
    type: String,
    nullable: true,
  })
  @IsOptional()
  @IsString()
  synchronization_checkpoint?: string | null;

  @ApiPropertyOptional({
    description:
      'The next_offset of the previous page (absent or null on the first page). Opaque: send back what the bridge returned.',
    oneOf: [{ type: 'string' }, { type: 'number' }],
    nullable: true,
  })
  @IsOptional()
  @IsStringOrNumber()
  offset?: string | number | null;

  @ApiPropertyOptional({
    description:
      "The previous page's context, handed back unchanged with its next_offset (absent or null otherwise). Any JSON value.",
    ...ANY_JSON_VALUE,
  })
  @IsOptional()
  context?: unknown;
}

export class SyncContactsRequestDto extends AuthenticatedRequestDto {
  @ApiPropertyOptional({ type: ContactSyncMetaDto, nullable: true })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => ContactSyncMetaDto)
  meta?: ContactSyncMetaDto | null;
}

export class CustomFieldDto {
  @ApiProperty({
    description: 'The name of the field, as Talkdesk shows it on the contact.',
    example: 'Tier',
  })
  key!: string;

  @ApiProperty({ description: "The field's value, as text.", example: 'Gold' })
  value!: string;
}

/** A contact as Talkdesk stores it (Contact synchronization). */
export class ContactDto {
  @ApiProperty({
    description:
      "The contact's id in the external system: unique, mandatory. Talkdesk sends it back as contact_external_id (interaction retrieval, actions).",
    example: '1',
  })
  id!: string;

  @ApiProperty({
    description: "The contact's full name, as Talkdesk shows it; mandatory.",
    example: 'Jane Doe',
  })
  name!: string;

  @ApiPropertyOptional({ description: "The contact's job title.", example: 'CTO' })
  title?: string;

  @ApiPropertyOptional({
    description: 'The company the contact works for.',
    example: 'Example Corp.',
  })
  company?: string;

  @ApiPropertyOptional({
    type: [String],
    description:
      'Email addresses: Talkdesk identifies the contact by them (e.g. on an email interaction).',
    example: ['jane@example.com'],
  })
  emails?: string[];

  @ApiPropertyOptional({
    type: [String],
    description:
      'Phone numbers: Talkdesk identifies a caller by them. E.164 (+15555555555) where the number could be read; otherwise as written in the external system.',
    example: ['+15555555555'],
  })
  phones?: string[];

  @ApiPropertyOptional({
    type: [String],
    description: "The contact's or their company's websites.",
    example: ['www.example.com'],
  })
  websites?: string[];

  @ApiPropertyOptional({
    description: "URL of the contact's picture, shown on the contact in Talkdesk.",
    example: 'http://example.com/users/1/photo',
  })
  photo_url?: string;

  @ApiPropertyOptional({
    description: 'Postal address, on one line.',
    example: '37, Famous St., New York, US',
  })
  address?: string;

  @ApiPropertyOptional({
    description: 'Twitter handle, without the @.',
    example: 'jane_doe',
  })
  twitter?: string;

  @ApiPropertyOptional({
    description:
      'Link to the contact in the external system: Talkdesk opens it from the contact (contact pop).',
    example: 'http://example.com/users/1/',
  })
  url?: string;

  @ApiPropertyOptional({
    type: [CustomFieldDto],
    description: 'Other fields of the external system, shown on the contact as key and value.',
  })
  custom_fields?: CustomFieldDto[];
}

export class SyncContactsResponseDto {
  @ApiProperty({ type: [ContactDto] })
  contacts!: ContactDto[];

  @ApiPropertyOptional({
    description: 'Present only when more contacts remain: send it back as meta.offset.',
    example: 'eyJrIjoiY29udGFjdHMub2Zmc2V0In0',
  })
  next_offset?: string;

  @ApiProperty({
    description:
      'State between pages: Talkdesk sends it back as meta.context with next_offset. Any JSON value (this bridge sends an opaque string); null on the last page.',
    ...ANY_JSON_VALUE,
  })
  context!: unknown;

  @ApiPropertyOptional({
    description:
      'Everything up to here is synchronized: store it and send it on the next sync. Absent only when nothing was ever synchronized.',
    example: 'eyJrIjoiY29udGFjdHMuY2hlY2twb2ludCJ9',
  })
  synchronization_checkpoint?: string;
}
