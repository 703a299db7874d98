import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiWebhookErrors } from '../talkdesk/api-errors.decorator';
import { RequestBudget } from '../talkdesk/request-budget.decorator';
import { TimeBudget } from '../common/time-budget';
import { AgentSyncPage, AgentsService } from './agents.service';
import { SyncAgentsRequestDto, SyncAgentsResponseDto } from './dto/sync-agents.dto';

@ApiTags('Agent synchronization')
@Controller('agents')
export class AgentsController {
  constructor(private readonly agents: AgentsService) {}

  @Post('sync')
  @HttpCode(200)
  @ApiOperation({
    summary: 'One page of agents (users of the external system, matched by email)',
    description:
      'Users without a usable email are left out (and logged); the page still goes through.',
  })
  @ApiOkResponse({ type: SyncAgentsResponseDto })
  @ApiWebhookErrors({ messages: { validation_failed: 'meta.offset must not be less than 0' } })
  sync(
    @Body() body: SyncAgentsRequestDto,
    @RequestBudget() budget: TimeBudget,
  ): Promise<AgentSyncPage> {
    return this.agents.sync(body.auth, body.meta?.offset, budget);
  }
}
