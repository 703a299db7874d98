import { Body, Controller, Headers, HttpCode, Param, Post, Res } from '@nestjs/common';
import { FastifyReply } from 'fastify';
import {
  ApiBody,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiHeader,
  ApiNotFoundResponse,
  ApiOperation,
  ApiParam,
  ApiServiceUnavailableResponse,
  ApiTags,
  ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';
import { IdempotencyService } from '../idempotency/idempotency.service';
import { ApiWebhookErrors } from '../talkdesk/api-errors.decorator';
import { DEMO_AUTH } from '../talkdesk/dto/authenticated-request.dto';
import { ErrorResponseDto } from '../talkdesk/dto/error-response.dto';
import { RequestBudget } from '../talkdesk/request-budget.decorator';
import { TimeBudget } from '../common/time-budget';
import { OUTCOME_STATUS } from '../talkdesk/contract/outcomes';
import { ActionResult, ActionsService } from './actions.service';
import { ActionResultDto, RunActionRequestDto } from './dto/run-action.dto';

@ApiTags('Action execution')
@Controller('actions')
export class ActionsController {
  constructor(private readonly actions: ActionsService) {}

  @Post(':name')
  @HttpCode(OUTCOME_STATUS.actionRun)
  @ApiOperation({ summary: 'Run one action in the external system' })
  @ApiParam({ name: 'name', example: 'create_ticket', description: 'See GET /integration/actions' })
  @ApiBody({
    type: RunActionRequestDto,
    examples: {
      create_ticket: {
        summary: 'create_ticket',
        value: {
          auth: DEMO_AUTH,
          meta: { contact_external_id: '1', agent_external_id: '2' },
          data: {
            subject: 'Call missed in Talkdesk',
            description: 'A call from Jane Doe was missed.',
          },
        },
      },
      create_contact: {
        summary: 'create_contact',
        value: {
          auth: DEMO_AUTH,
          data: { name: 'Jane Roe', email: 'jane.roe@example.com', phone: '(212) 555-0199' },
        },
      },
    },
  })
  @ApiHeader({
    name: 'Idempotency-Key',
    required: false,
    description:
      'Runs the action once for this key (per account and action) and answers repeats with the first result, for IDEMPOTENCY_KEY_TTL_SECONDS. Without it, an identical action (same account, name and payload) within IDEMPOTENCY_WINDOW_SECONDS runs once.',
    schema: { type: 'string', maxLength: 255 },
  })
  @ApiCreatedResponse({
    type: ActionResultDto,
    description:
      'The action ran; or, with the header Idempotent-Replayed: true, the recorded result of an identical earlier request.',
  })
  @ApiConflictResponse({
    description:
      "An identical request is still running and did not finish within this request's time budget; retry after Retry-After seconds to receive its result.",
    type: ErrorResponseDto,
  })
  @ApiServiceUnavailableResponse({
    description:
      'REDIS_URL is set and Redis does not answer: the action was not run, since a repeat could not be recognised.',
    type: ErrorResponseDto,
  })
  @ApiUnprocessableEntityResponse({
    description: 'The Idempotency-Key was already used with a different payload.',
    type: ErrorResponseDto,
  })
  @ApiWebhookErrors(
    'Malformed body, a missing mandatory input (named in the message), or the external system refused the action.',
  )
  @ApiNotFoundResponse({ description: 'No action of that name.', type: ErrorResponseDto })
  async run(
    @Param('name') name: string,
    @Body() body: RunActionRequestDto,
    @RequestBudget() budget: TimeBudget,
    @Headers('idempotency-key') idempotencyKey: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<ActionResult> {
    const { status, result, replayed } = await this.actions.run(
      name,
      body.auth,
      {
        data: body.data,
        contactExternalId: body.meta?.contact_external_id,
        agentExternalId: body.meta?.agent_external_id,
      },
      budget,
      IdempotencyService.checkKey(idempotencyKey),
    );
    void reply.status(status);
    if (replayed) void reply.header('idempotent-replayed', 'true');
    return result;
  }
}
