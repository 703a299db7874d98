import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ERROR_CODES, ErrorCode } from '../contract/errors';

/** The body of every error the bridge answers. */
export class ErrorResponseDto {
  @ApiProperty({
    description:
      'What went wrong, machine-readable and stable: each code has one HTTP status (docs/errors.md lists them).',
    enum: ERROR_CODES,
    enumName: 'ErrorCode',
    example: 'validation_failed',
  })
  code!: ErrorCode;

  @ApiProperty({
    description:
      'What went wrong, for a person: names the fields at fault, never echoes their values or credentials.',
    example: 'meta.offset must be a string or a number',
  })
  message!: string;

  @ApiPropertyOptional({
    description: 'Identifies the request in the bridge logs (also in the x-request-id header).',
    example: 'b5f0f1f4-5c1e-4a39-9c0e-3b8f2f0f7d21',
  })
  request_id?: string;
}
