import { Injectable } from '@nestjs/common';
import { AccountRef, ContactBatch, ContactQuery, ContactRecord, ContactsPort } from '../ports';
import { accountId } from './sql-account';
import { SqlDatabase } from './sql-database';
import { ContactsTable } from './schema';
import { Selectable } from 'kysely';
import { AppConfig } from '../../config/app-config';
import { InvalidPositionError } from '../errors';

function parseJsonArray<T>(text: string): T[] {
  try {
    const value: unknown = JSON.parse(text);
    return Array.isArray(value) ? (value as T[]) : [];
  } catch {
    return [];
  }
}

@Injectable()
export class SqlContactsAdapter extends ContactsPort {
  constructor(
    private readonly sql: SqlDatabase,
    private readonly config: AppConfig,
  ) {
    super();
  }

  async listContacts(account: AccountRef, query: ContactQuery): Promise<ContactBatch> {
    let select = this.sql.db
      .selectFrom('contacts')
      .selectAll()
      .where('account_id', '=', accountId(account))
      .where('updated_at', '<=', query.changedUntil);
    if (query.changedSince !== undefined) {
      select = select.where('updated_at', '>=', query.changedSince);
    }
    if (query.after) {
      const { updatedAt } = query.after;
      const id = Number(query.after.id);
      if (!Number.isSafeInteger(id)) throw new InvalidPositionError('contact id is not a number');
      // Equivalent to (updated_at, id) > (?, ?), written so every dialect uses the index range.
      select = select
        .where('updated_at', '>=', updatedAt)
        .where((eb) => eb.or([eb('updated_at', '>', updatedAt), eb('id', '>', id)]));
    }
    const rows = await select
      .orderBy('updated_at')
      .orderBy('id')
      .limit(query.limit + 1)
      .execute();
    const hasMore = rows.length > query.limit;
    return { records: rows.slice(0, query.limit).map((r) => this.toRecord(r)), hasMore };
  }

  private toRecord(row: Selectable<ContactsTable>): ContactRecord {
    return {
      id: String(row.id),
      updatedAt: Number(row.updated_at),
      name: row.name,
      title: row.title,
      company: row.company,
      emails: parseJsonArray(row.emails),
      phones: parseJsonArray(row.phones),
      websites: parseJsonArray(row.websites),
      customFields: parseJsonArray(row.custom_fields),
      photoUrl: row.photo_url,
      address: row.address,
      twitter: row.twitter,
      url: `${this.config.recordUrlBase}/contacts/${row.id}`,
    };
  }
}
