import { Insertable } from 'kysely';
import { phoneLookupKey } from '../../talkdesk/contract/phone';
import { Database, mysqlServer, sqlDialect } from './database';
import { ContactsTable } from './schema';
import { NewContact, NewInteraction, NewUser } from './demo-data';
import { hashPassword } from './passwords';

export function normalizeUsername(username: string): string {
  return username.trim().toLowerCase();
}

export async function createAccount(
  db: Database,
  username: string,
  password: string,
  displayName: string,
): Promise<number> {
  const insert = db.insertInto('accounts').values({
    username: normalizeUsername(username),
    password_hash: await hashPassword(password),
    display_name: displayName,
    created_at: Date.now(),
  });
  return sqlDialect(db) === 'mysql'
    ? Number((await insert.executeTakeFirstOrThrow()).insertId)
    : Number((await insert.returning('id').executeTakeFirstOrThrow()).id);
}

export async function findAccountId(db: Database, username: string): Promise<number | null> {
  const row = await db
    .selectFrom('accounts')
    .select('id')
    .where('username', '=', normalizeUsername(username))
    .executeTakeFirst();
  return row ? Number(row.id) : null;
}

/** The lookup keys of a contact: lower-cased emails and E.164 phones (digits when unreadable). */
function channels(
  contact: NewContact,
  region: string,
): { kind: 'email' | 'phone'; value: string }[] {
  const seen = new Set<string>();
  const out: { kind: 'email' | 'phone'; value: string }[] = [];
  const add = (kind: 'email' | 'phone', value: string) => {
    if (!value || seen.has(`${kind}:${value}`)) return;
    seen.add(`${kind}:${value}`);
    out.push({ kind, value });
  };
  for (const email of contact.emails) add('email', email.trim().toLowerCase());
  for (const phone of contact.phones) {
    const key = phoneLookupKey(phone, region);
    if (key !== undefined) add('phone', key);
  }
  return out;
}

/**
 * Inserts contact rows in one statement and returns their ids in the order given, where the
 * database can say which ids it gave: INSERT ... RETURNING on SQLite, PostgreSQL and MariaDB
 * 10.5 and later. The ids are sorted, because RETURNING promises no order, while one statement
 * numbers its rows in the order they are written (rising ids, whatever the gaps).
 */
export async function insertContactRowsReturning(
  db: Database,
  rows: Insertable<ContactsTable>[],
): Promise<number[]> {
  const compiled = db.insertInto('contacts').values(rows).returning('id').compile();
  const result = await db.executeQuery(compiled);
  const ids = result.rows.map((r) => Number(r.id)).sort((a, b) => a - b);
  if (ids.length !== rows.length) {
    throw new Error(`Inserted ${rows.length} contacts but got ${ids.length} ids back`);
  }
  return ids;
}

/**
 * Inserts contact rows one statement each, reading every id from the statement's insert id:
 * MySQL has no RETURNING, and the ids of one multi-row insert are consecutive only under
 * innodb_autoinc_lock_mode 0 or 1 with auto_increment_increment 1, which a server may not use.
 */
export async function insertContactRowsOneByOne(
  db: Database,
  rows: Insertable<ContactsTable>[],
): Promise<number[]> {
  const ids: number[] = [];
  for (const row of rows) {
    const result = await db.insertInto('contacts').values(row).executeTakeFirstOrThrow();
    ids.push(Number(result.insertId));
  }
  return ids;
}

async function insertContactRows(
  db: Database,
  rows: Insertable<ContactsTable>[],
): Promise<number[]> {
  if (sqlDialect(db) === 'mysql' && !(await mysqlServer(db)).insertReturning) {
    return insertContactRowsOneByOne(db, rows);
  }
  return insertContactRowsReturning(db, rows);
}

/**
 * Inserts contacts with their lookup channels in one transaction (or in the caller's); returns
 * their ids in order.
 */
export async function insertContacts(
  db: Database,
  accountId: number,
  contacts: NewContact[],
  region: string,
): Promise<number[]> {
  if (contacts.length === 0) return [];
  const write = async (tx: Database): Promise<number[]> => {
    const ids = await insertContactRows(
      tx,
      contacts.map((c) => ({
        account_id: accountId,
        name: c.name,
        title: c.title,
        company: c.company,
        emails: JSON.stringify(c.emails),
        phones: JSON.stringify(c.phones),
        websites: JSON.stringify(c.websites),
        custom_fields: JSON.stringify(c.customFields),
        photo_url: c.photoUrl,
        address: c.address,
        twitter: c.twitter,
        updated_at: c.updatedAt,
      })),
    );
    const channelRows = contacts.flatMap((c, i) =>
      channels(c, region).map((ch) => ({ account_id: accountId, contact_id: ids[i], ...ch })),
    );
    // Keep each statement well under every dialect's bound-parameter limit.
    for (let i = 0; i < channelRows.length; i += 1000) {
      await tx
        .insertInto('contact_channels')
        .values(channelRows.slice(i, i + 1000))
        .execute();
    }
    return ids;
  };
  return db.isTransaction ? write(db) : db.transaction().execute(write);
}

export async function insertUsers(
  db: Database,
  accountId: number,
  users: NewUser[],
): Promise<void> {
  if (users.length === 0) return;
  await db
    .insertInto('users')
    .values(users.map((u) => ({ account_id: accountId, name: u.name, email: u.email })))
    .execute();
}

/** The interactions row of one interaction of an account's contact. */
function interactionRow(
  accountId: number,
  contactId: number,
  interaction: NewInteraction,
  agentId: number | null,
) {
  return {
    account_id: accountId,
    contact_id: contactId,
    type: interaction.type,
    subject: interaction.subject,
    description: interaction.description,
    priority: interaction.priority,
    status: interaction.status,
    occurred_at: interaction.occurredAt,
    agent_id: agentId,
  };
}

export async function insertInteraction(
  db: Database,
  accountId: number,
  contactId: number,
  interaction: NewInteraction,
  agentId: number | null = null,
): Promise<number> {
  const insert = db
    .insertInto('interactions')
    .values(interactionRow(accountId, contactId, interaction, agentId));
  return sqlDialect(db) === 'mysql'
    ? Number((await insert.executeTakeFirstOrThrow()).insertId)
    : Number((await insert.returning('id').executeTakeFirstOrThrow()).id);
}

/** Inserts many interactions (ids not needed), a few hundred rows per statement. */
export async function insertInteractions(
  db: Database,
  accountId: number,
  interactions: { contactId: number; interaction: NewInteraction }[],
): Promise<void> {
  for (let i = 0; i < interactions.length; i += 500) {
    await db
      .insertInto('interactions')
      .values(
        interactions
          .slice(i, i + 500)
          .map(({ contactId, interaction }) =>
            interactionRow(accountId, contactId, interaction, null),
          ),
      )
      .execute();
  }
}
