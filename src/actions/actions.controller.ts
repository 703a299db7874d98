import { Body, Controller, Headers, HttpCode, Param, Post, Res } from '@nestjs/common';
import { FastifyReply } from 'fastify';
import {
  ApiBody,
  ApiCreatedResponse,
  ApiHeader,
  ApiOperation,
  ApiParam,
  ApiTags,
} from '@nestjs/swagger';
import { IdempotencyService } from '../idempotency/idempotency.service';
import { ApiWebhookErrors } from '../talkdesk/api-errors.decorator';
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
  // One example per action the connector declares, path and body alike: added to the document
  // from the connector's definitions (src/openapi/action-examples.ts).
  @ApiParam({
    name: 'name',
    description:
      'The action to run: one of the names GET /integration/actions lists (its `endpoint` ends with it).',
  })
  @ApiBody({ type: RunActionRequestDto })
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
  @ApiWebhookErrors({
    codes: [
      'idempotency_key_invalid',
      'action_input_missing',
      'action_rejected',
      'action_unknown',
      'action_in_flight',
      'idempotency_key_reused',
      'store_unavailable',
    ],
    descriptions: {
      400: 'Malformed body, a missing mandatory input (named in the message), or the external system refused the action.',
      404: 'No action of that name.',
      409: "An identical request is still running and did not finish within this request's time budget; retry after Retry-After seconds to receive its result.",
      422: 'The Idempotency-Key was already used with a different payload.',
      503: 'The external system is failing and calls to it are paused (circuit breaker open); or REDIS_URL is set and Redis does not answer, and the action was not run, since a repeat could not be recognised. Retry after the Retry-After header.',
    },
    messages: {
      validation_failed: 'data must be an object',
      action_input_missing: 'Missing mandatory input(s) of create_ticket: data.subject',
      action_rejected: 'Contact 999999 was not found',
      action_unknown: 'Unknown action "create_tickets": GET /integration/actions lists the actions',
    },
  })
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
