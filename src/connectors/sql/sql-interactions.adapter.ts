import { Injectable } from '@nestjs/common';
import { SqlSettings } from './sql-settings';
import {
  AccountRef,
  ContactLookup,
  InteractionQuery,
  InteractionRecord,
  InteractionsPort,
} from '../ports';
import { accountId } from './sql-account';
import { findContactId } from './sql-contact-lookup';
import { SqlDatabase } from './sql-database';
import { COMMON_INTERACTION_TYPES } from '../../talkdesk/contract/interactions';

export const SQL_INTERACTION_TYPES = COMMON_INTERACTION_TYPES;

@Injectable()
export class SqlInteractionsAdapter extends InteractionsPort {
  constructor(
    private readonly sql: SqlDatabase,
    private readonly config: SqlSettings,
  ) {
    super();
  }

  async findInteractions(
    account: AccountRef,
    contact: ContactLookup,
    query: InteractionQuery,
  ): Promise<InteractionRecord[] | null> {
    const owner = accountId(account);
    const contactId = await findContactId(
      this.sql.db,
      owner,
      contact,
      this.config.defaultPhoneRegion,
    );
    if (contactId === null) return null;
    if (query.types.length === 0) return [];
    const rows = await this.sql.db
      .selectFrom('interactions')
      .selectAll()
      .where('account_id', '=', owner)
      .where('contact_id', '=', contactId)
      .where('type', 'in', query.types)
      .orderBy('occurred_at', 'desc')
      .orderBy('id', 'desc')
      .limit(query.limit)
      .execute();
    return rows.map((r) => ({
      id: String(r.id),
      type: r.type,
      subject: r.subject,
      description: r.description,
      date: Number(r.occurred_at),
      url: `${this.config.recordUrlBase}/${r.type}s/${r.id}`,
      priority: r.priority,
      status: r.status,
    }));
  }
}
