import { ApiProperty } from '@nestjs/swagger';
import { IsDefined, IsObject } from 'class-validator';

/** Credentials of the demo account, so that Swagger UI's "Try it out" works at once. */
export const DEMO_AUTH = { username: 'demo@example.com', password: 'demo' };

/** What every Talkdesk webhook request carries: the account's authentication fields. */
export class AuthenticatedRequestDto {
  @ApiProperty({
    description:
      'The authentication fields the integration declared (see GET /integration/configuration), stored by Talkdesk and sent with every request.',
    type: 'object',
    additionalProperties: true,
    example: DEMO_AUTH,
  })
  @IsDefined()
  @IsObject()
  auth!: Record<string, unknown>;
}
