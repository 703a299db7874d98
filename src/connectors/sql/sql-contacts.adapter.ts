import { Injectable } from '@nestjs/common';
import { AccountRef, ContactBatch, ContactQuery, ContactsPort } from '../ports';
import { accountId } from './sql-account';
import { Database, sqlDialect } from './database';
import { SqlDatabase } from './sql-database';
import { sql } from 'kysely';
import { contactRowToRecord } from './contact-row';
import { SqlSettings } from './sql-settings';
import { InvalidPositionError } from '../ports/errors';

/**
 * `from contacts`, on MySQL/MariaDB with FORCE INDEX (contacts_sync_order): MariaDB 10.x costs
 * the lookup of the account's entries (ref access on account_id) like the range on
 * (account_id, updated_at) when the range holds many rows, ignores the LIMIT, picks the lookup
 * and then reads the index from the account's first entry to the page. The hint makes it take the
 * range: a page deep in a large account reads a page's worth of entries, not every one before it.
 */
function fromContactsInSyncOrder(db: Database) {
  const plain = db.selectFrom('contacts');
  if (sqlDialect(db) !== 'mysql') return plain;
  const hinted = sql`contacts`.as<'contacts'>(sql`contacts force index (contacts_sync_order)`);
  return db.selectFrom(hinted) as unknown as typeof plain;
}

/**
 * One keyset page of an account's contacts in (updated_at, id) order, one row more than the
 * limit to tell whether more follow. Written so that every dialect reads it as a range of the
 * index (account_id, updated_at, id) in index order, with no sort.
 */
export function contactPageQuery(db: Database, owner: number, query: ContactQuery) {
  let select = fromContactsInSyncOrder(db)
    .selectAll()
    .where('account_id', '=', owner)
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
  return select
    .orderBy('updated_at')
    .orderBy('id')
    .limit(query.limit + 1);
}

@Injectable()
export class SqlContactsAdapter extends ContactsPort {
  constructor(
    private readonly sql: SqlDatabase,
    private readonly config: SqlSettings,
  ) {
    super();
  }

  async listContacts(account: AccountRef, query: ContactQuery): Promise<ContactBatch> {
    const rows = await contactPageQuery(this.sql.db, accountId(account), query).execute();
    const hasMore = rows.length > query.limit;
    const { recordUrlBase } = this.config;
    const records = rows.slice(0, query.limit).map((r) => contactRowToRecord(r, recordUrlBase));
    return { records, hasMore };
  }
}
