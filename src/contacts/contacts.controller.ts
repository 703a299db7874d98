import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { ApiBody, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiWebhookErrors } from '../talkdesk/api-errors.decorator';
import { DEMO_AUTH } from '../talkdesk/dto/authenticated-request.dto';
import { RequestBudget } from '../talkdesk/request-budget.decorator';
import { TimeBudget } from '../common/time-budget';
import { ContactSyncPage, ContactsService } from './contacts.service';
import { SyncContactsRequestDto, SyncContactsResponseDto } from './dto/sync-contacts.dto';

@ApiTags('Contact synchronization')
@Controller('contacts')
export class ContactsController {
  constructor(private readonly contacts: ContactsService) {}

  @Post('sync')
  @HttpCode(200)
  @ApiOperation({
    summary: 'One page of contacts: initial sync, next page, incremental sync',
    description:
      'Follow next_offset (with context) until a page has none; store the last synchronization_checkpoint and send it on the next sync to receive only what changed.',
  })
  @ApiBody({
    type: SyncContactsRequestDto,
    examples: {
      initial: { summary: 'Initial sync', value: { auth: DEMO_AUTH } },
      nulls: {
        summary: 'Initial sync, meta fields sent as null',
        value: {
          auth: DEMO_AUTH,
          meta: { synchronization_checkpoint: null, offset: null, context: null },
        },
      },
    },
  })
  @ApiOkResponse({ type: SyncContactsResponseDto })
  @ApiWebhookErrors({
    codes: ['offset_unreadable', 'offset_invalid'],
    descriptions: {
      400: 'Malformed JSON, wrong field types (named in the message), or an offset this bridge did not issue.',
    },
    messages: { validation_failed: 'meta.offset must be a string or a number' },
  })
  sync(
    @Body() body: SyncContactsRequestDto,
    @RequestBudget() budget: TimeBudget,
  ): Promise<ContactSyncPage> {
    return this.contacts.sync(body.auth, body.meta, budget);
  }
}
