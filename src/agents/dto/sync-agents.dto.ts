import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import { IsInt, IsObject, IsOptional, Min, ValidateNested } from 'class-validator';
import { AuthenticatedRequestDto } from '../../talkdesk/dto/authenticated-request.dto';

export class AgentSyncMetaDto {
  @ApiPropertyOptional({
    description: 'The next_offset of the previous page; null or absent on the first call of a run.',
    type: 'integer',
    nullable: true,
    example: null,
  })
  @IsOptional()
  // An integer written as a string is read as that integer.
  @Transform(({ value }: { value: unknown }) =>
    typeof value === 'string' && /^\d{1,15}$/.test(value) ? Number(value) : value,
  )
  @IsInt()
  @Min(0)
  offset?: number | null;
}

export class SyncAgentsRequestDto extends AuthenticatedRequestDto {
  @ApiPropertyOptional({ type: AgentSyncMetaDto, nullable: true })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => AgentSyncMetaDto)
  meta?: AgentSyncMetaDto | null;
}

export class AgentDto {
  @ApiProperty({ example: '341231' })
  id!: string;

  @ApiProperty({ example: 'John Doe' })
  name!: string;

  @ApiProperty({ example: 'john.doe@example.com' })
  email!: string;
}

export class SyncAgentsResponseDto {
  @ApiProperty({ type: [AgentDto] })
  agents!: AgentDto[];

  @ApiPropertyOptional({
    description: 'Present only when more agents remain: send it back as meta.offset.',
    type: 'integer',
    example: 6,
  })
  next_offset?: number;
}
