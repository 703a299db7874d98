import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { ApiBody, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiWebhookErrors } from '../talkdesk/api-errors.decorator';
import { DEMO_AUTH } from '../talkdesk/dto/authenticated-request.dto';
import { RequestBudget } from '../talkdesk/request-budget.decorator';
import { TimeBudget } from '../common/time-budget';
import { InteractionDto, RetrieveInteractionsRequestDto } from './dto/retrieve-interactions.dto';
import { COMMON_INTERACTION_TYPES, TalkdeskInteraction } from '../talkdesk/contract/interactions';
import { InteractionsService } from './interactions.service';

@ApiTags('Interaction retrieval')
@Controller('interactions')
export class InteractionsController {
  constructor(private readonly interactions: InteractionsService) {}

  @Post('retrieve')
  @HttpCode(200)
  @ApiOperation({
    summary: "A contact's interactions of the requested types, newest first",
    description: 'An unknown contact gives an empty array.',
  })
  @ApiBody({
    type: RetrieveInteractionsRequestDto,
    examples: {
      byId: {
        summary: 'By external id',
        value: {
          auth: DEMO_AUTH,
          meta: { interaction_types: COMMON_INTERACTION_TYPES },
          data: { contact_external_id: '1' },
        },
      },
    },
  })
  @ApiOkResponse({ type: [InteractionDto] })
  @ApiWebhookErrors({
    messages: { validation_failed: 'data.contact_emails must be an array of strings' },
  })
  retrieve(
    @Body() body: RetrieveInteractionsRequestDto,
    @RequestBudget() budget: TimeBudget,
  ): Promise<TalkdeskInteraction[]> {
    return this.interactions.retrieve(
      body.auth,
      {
        types: body.meta?.interaction_types,
        contactExternalId: body.data.contact_external_id,
        contactName: body.data.contact_name,
        contactEmails: body.data.contact_emails,
        contactPhones: body.data.contact_phones,
      },
      budget,
    );
  }
}
