import { Body, Controller, HttpCode, Post, Res } from '@nestjs/common';
import { ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiWebhookErrors } from '../talkdesk/api-errors.decorator';
import { FastifyReply } from 'fastify';
import { RequestBudget } from '../talkdesk/request-budget.decorator';
import { TimeBudget } from '../common/time-budget';
import { OUTCOME_STATUS } from '../talkdesk/contract/outcomes';
import { AuthService } from './auth.service';
import { ValidateAuthRequestDto } from './dto/validate-auth.dto';

@ApiTags('Authorization validation')
@Controller('auth')
export class AuthController {
  constructor(private readonly auth: AuthService) {}

  @Post('validate')
  @HttpCode(OUTCOME_STATUS.credentialsValid)
  @ApiOperation({
    summary: 'Validate the credentials a user entered when activating the integration',
  })
  @ApiNoContentResponse({ description: 'The credentials are valid; nothing to store.' })
  @ApiOkResponse({
    description:
      'The credentials are valid and the external system yields fields for Talkdesk to store (keys of authentication fields with source auth_validation).',
    schema: { type: 'object', additionalProperties: true, example: { account_id: '42' } },
  })
  @ApiWebhookErrors()
  async validate(
    @Body() body: ValidateAuthRequestDto,
    @RequestBudget() budget: TimeBudget,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<Record<string, string | number | boolean> | undefined> {
    const fields = await this.auth.validate(body.auth, budget);
    if (!fields) return undefined;
    void reply.status(OUTCOME_STATUS.credentialsValidWithFields);
    return fields;
  }
}
