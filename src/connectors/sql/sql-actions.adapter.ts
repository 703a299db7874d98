import { Injectable } from '@nestjs/common';
import { SqlSettings } from './sql-settings';
import { ActionRejectedError } from '../ports/errors';
import { AccountRef, ActionDefinition, ActionOutcome, ActionRequest, ActionsPort } from '../ports';
import { accountId } from './sql-account';
import { SqlDatabase } from './sql-database';
import { insertContacts, insertInteraction } from './sql-writer';

const text = (value: unknown): string | null =>
  value === undefined || value === null || String(value).trim() === ''
    ? null
    : String(value).trim();

@Injectable()
export class SqlActionsAdapter extends ActionsPort {
  readonly definitions: ActionDefinition[] = [
    {
      name: 'create_ticket',
      display: 'Create ticket',
      description:
        'Opens a ticket on the contact (meta.contact_external_id) in the system of record.',
      inputs: [
        { key: 'subject', name: 'Subject', mandatory: true },
        { key: 'description', name: 'Description', mandatory: false },
        { key: 'priority', name: 'Priority (low, normal, high, urgent)', mandatory: false },
      ],
    },
    {
      name: 'log_call',
      display: 'Log call',
      description: 'Records a call on the contact (meta.contact_external_id).',
      inputs: [
        { key: 'subject', name: 'Summary', mandatory: true },
        { key: 'description', name: 'Notes', mandatory: false },
        { key: 'duration', name: 'Duration in seconds', mandatory: false },
      ],
    },
    {
      name: 'create_contact',
      display: 'Create contact',
      description: 'Creates a contact in the system of record and pops it in Talkdesk.',
      inputs: [
        { key: 'name', name: 'Name', mandatory: true },
        { key: 'email', name: 'Email', mandatory: false },
        { key: 'phone', name: 'Phone', mandatory: false },
        { key: 'company', name: 'Company', mandatory: false },
        { key: 'title', name: 'Title', mandatory: false },
      ],
    },
  ];

  constructor(
    private readonly sql: SqlDatabase,
    private readonly config: SqlSettings,
  ) {
    super();
  }

  run(account: AccountRef, name: string, request: ActionRequest): Promise<ActionOutcome> {
    const owner = accountId(account);
    switch (name) {
      case 'create_ticket':
        return this.createTicket(owner, request);
      case 'log_call':
        return this.logCall(owner, request);
      case 'create_contact':
        return this.createContact(owner, request);
      default:
        throw new ActionRejectedError(`The action ${name} is not implemented by this system`);
    }
  }

  private async createTicket(owner: number, request: ActionRequest): Promise<ActionOutcome> {
    const contactId = await this.requireContact(owner, request, 'create_ticket');
    const id = await insertInteraction(
      this.sql.db,
      owner,
      contactId,
      {
        type: 'ticket',
        subject: text(request.data.subject) ?? '',
        description: text(request.data.description) ?? '',
        priority: text(request.data.priority) ?? 'normal',
        status: 'new',
        occurredAt: Date.now(),
      },
      await this.agentId(owner, request),
    );
    return { message: `Ticket ${id} created`, externalId: String(id) };
  }

  private async logCall(owner: number, request: ActionRequest): Promise<ActionOutcome> {
    const contactId = await this.requireContact(owner, request, 'log_call');
    const duration = text(request.data.duration);
    if (duration !== null && !/^\d+$/.test(duration)) {
      throw new ActionRejectedError('duration must be a whole number of seconds');
    }
    const notes = text(request.data.description) ?? '';
    const id = await insertInteraction(
      this.sql.db,
      owner,
      contactId,
      {
        type: 'call',
        subject: text(request.data.subject) ?? '',
        description:
          duration === null ? notes : `${notes}${notes ? '\n' : ''}Duration: ${duration} s`,
        priority: null,
        status: 'closed',
        occurredAt: Date.now(),
      },
      await this.agentId(owner, request),
    );
    return { message: `Call ${id} logged`, externalId: String(id) };
  }

  private async createContact(owner: number, request: ActionRequest): Promise<ActionOutcome> {
    const email = text(request.data.email);
    const phone = text(request.data.phone);
    const [id] = await insertContacts(
      this.sql.db,
      owner,
      [
        {
          name: text(request.data.name),
          title: text(request.data.title),
          company: text(request.data.company),
          emails: email ? [email] : [],
          phones: phone ? [phone] : [],
          websites: [],
          customFields: [],
          photoUrl: null,
          address: null,
          twitter: null,
          updatedAt: Date.now(),
        },
      ],
      this.config.defaultPhoneRegion,
    );
    return {
      message: `Contact ${id} created`,
      contactExternalId: String(id),
      contactExternalType: 'contact',
      contactExternalUrl: `${this.config.recordUrlBase}/contacts/${id}`,
    };
  }

  private async requireContact(
    owner: number,
    request: ActionRequest,
    action: string,
  ): Promise<number> {
    const raw = request.contactExternalId;
    if (!raw) {
      throw new ActionRejectedError(
        `${action} needs meta.contact_external_id: the contact it is for`,
      );
    }
    const id = Number(raw);
    const row = Number.isSafeInteger(id)
      ? await this.sql.db
          .selectFrom('contacts')
          .select('id')
          .where('account_id', '=', owner)
          .where('id', '=', id)
          .executeTakeFirst()
      : undefined;
    if (!row) throw new ActionRejectedError(`Contact ${raw} was not found`);
    return id;
  }

  /** The agent who ran the action, when it is a user of this account; otherwise none. */
  private async agentId(owner: number, request: ActionRequest): Promise<number | null> {
    const id = Number(request.agentExternalId);
    if (!request.agentExternalId || !Number.isSafeInteger(id)) return null;
    const row = await this.sql.db
      .selectFrom('users')
      .select('id')
      .where('account_id', '=', owner)
      .where('id', '=', id)
      .executeTakeFirst();
    return row ? id : null;
  }
}
