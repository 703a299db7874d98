import { toE164 } from '../../common/phone';
import { Database } from './database';
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
  const row = await db
    .insertInto('accounts')
    .values({
      username: normalizeUsername(username),
      password_hash: await hashPassword(password),
      display_name: displayName,
      created_at: Date.now(),
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return Number(row.id);
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
    if (phone.trim()) add('phone', toE164(phone, region) ?? phone.replace(/\D/g, ''));
  }
  return out;
}

/** Inserts contacts with their lookup channels in one transaction; returns their ids in order. */
export async function insertContacts(
  db: Database,
  accountId: number,
  contacts: NewContact[],
  region: string,
): Promise<number[]> {
  if (contacts.length === 0) return [];
  return db.transaction().execute(async (tx) => {
    const rows = await tx
      .insertInto('contacts')
      .values(
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
      )
      .returning('id')
      .execute();
    const ids = rows.map((r) => Number(r.id));
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
  });
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

export async function insertInteraction(
  db: Database,
  accountId: number,
  contactId: number,
  interaction: NewInteraction,
  agentId: number | null = null,
): Promise<number> {
  const row = await db
    .insertInto('interactions')
    .values({
      account_id: accountId,
      contact_id: contactId,
      type: interaction.type,
      subject: interaction.subject,
      description: interaction.description,
      priority: interaction.priority,
      status: interaction.status,
      occurred_at: interaction.occurredAt,
      agent_id: agentId,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return Number(row.id);
}
