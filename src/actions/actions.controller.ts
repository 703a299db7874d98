import { Body, Controller, HttpCode, Param, Post } from '@nestjs/common';
import {
  ApiBody,
  ApiCreatedResponse,
  ApiNotFoundResponse,
  ApiOperation,
  ApiParam,
  ApiTags,
} from '@nestjs/swagger';
import { ApiWebhookErrors } from '../talkdesk/api-errors.decorator';
import { DEMO_AUTH } from '../talkdesk/dto/authenticated-request.dto';
import { ErrorResponseDto } from '../talkdesk/dto/error-response.dto';
import { RequestBudget } from '../talkdesk/request-budget.decorator';
import { TimeBudget } from '../talkdesk/time-budget';
import { ActionResult, ActionsService } from './actions.service';
import { ActionResultDto, RunActionRequestDto } from './dto/run-action.dto';

@ApiTags('Action execution')
@Controller('actions')
export class ActionsController {
  constructor(private readonly actions: ActionsService) {}

  @Post(':name')
  @HttpCode(201)
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
  @ApiCreatedResponse({ type: ActionResultDto })
  @ApiWebhookErrors(
    'Malformed body, a missing mandatory input (named in the message), or the external system refused the action.',
  )
  @ApiNotFoundResponse({ description: 'No action of that name.', type: ErrorResponseDto })
  run(
    @Param('name') name: string,
    @Body() body: RunActionRequestDto,
    @RequestBudget() budget: TimeBudget,
  ): Promise<ActionResult> {
    return this.actions.run(
      name,
      body.auth,
      {
        data: body.data,
        contactExternalId: body.meta?.contact_external_id,
        agentExternalId: body.meta?.agent_external_id,
      },
      budget,
    );
  }
}
