import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsObject, IsOptional, IsString, ValidateNested } from 'class-validator';
import { AuthenticatedRequestDto } from '../../talkdesk/dto/authenticated-request.dto';
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
    description: 'The context of the previous page, handed back unchanged.',
    nullable: true,
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
  @ApiProperty({ example: 'Tier' })
  key!: string;

  @ApiProperty({ example: 'Gold' })
  value!: string;
}

export class ContactDto {
  @ApiProperty({ example: '1' })
  id!: string;

  @ApiProperty({ example: 'Jane Doe' })
  name!: string;

  @ApiPropertyOptional({ example: 'CTO' })
  title?: string;

  @ApiPropertyOptional({ example: 'Example Corp.' })
  company?: string;

  @ApiPropertyOptional({ type: [String], example: ['jane@example.com'] })
  emails?: string[];

  @ApiPropertyOptional({
    type: [String],
    description:
      'E.164 where the number could be read; otherwise as written in the external system.',
    example: ['+15555555555'],
  })
  phones?: string[];

  @ApiPropertyOptional({ type: [String], example: ['www.example.com'] })
  websites?: string[];

  @ApiPropertyOptional({ example: 'http://example.com/users/1/photo' })
  photo_url?: string;

  @ApiPropertyOptional({ example: '37, Famous St., New York, US' })
  address?: string;

  @ApiPropertyOptional({ example: 'jane_doe' })
  twitter?: string;

  @ApiPropertyOptional({ example: 'http://example.com/users/1/' })
  url?: string;

  @ApiPropertyOptional({ type: [CustomFieldDto] })
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
    description: 'Send back as meta.context with the next page; null on the last page.',
    type: String,
    nullable: true,
  })
  context!: string | null;

  @ApiPropertyOptional({
    description:
      'Everything up to here is synchronized: store it and send it on the next sync. Absent only when nothing was ever synchronized.',
    example: 'eyJrIjoiY29udGFjdHMuY2hlY2twb2ludCJ9',
  })
  synchronization_checkpoint?: string;
}
