import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

export class ErrorResponseDto {
  @ApiProperty({ example: 'meta.offset must be a string or a number' })
  message!: string;

  @ApiPropertyOptional({
    description: 'Identifies the request in the bridge logs (also in the x-request-id header).',
    example: 'b5f0f1f4-5c1e-4a39-9c0e-3b8f2f0f7d21',
  })
  request_id?: string;
}
