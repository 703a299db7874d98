import { phoneLookupKey } from '../../talkdesk/contract/phone';
import { ContactLookup } from '../ports';
import { Database } from './database';

/** The contact's id in this account: by external id, else by email, else by phone. */
export async function findContactId(
  db: Database,
  accountId: number,
  lookup: ContactLookup,
  region: string,
): Promise<number | null> {
  const id = Number(lookup.contactId);
  if (lookup.contactId && Number.isSafeInteger(id)) {
    const row = await db
      .selectFrom('contacts')
      .select('id')
      .where('account_id', '=', accountId)
      .where('id', '=', id)
      .executeTakeFirst();
    if (row) return Number(row.id);
  }
  const byChannel = async (kind: 'email' | 'phone', values: string[]) => {
    if (values.length === 0) return null;
    const row = await db
      .selectFrom('contact_channels')
      .select('contact_id')
      .where('account_id', '=', accountId)
      .where('kind', '=', kind)
      .where('value', 'in', values)
      .orderBy('contact_id')
      .limit(1)
      .executeTakeFirst();
    return row ? Number(row.contact_id) : null;
  };
  const emails = lookup.emails.map((e) => e.trim().toLowerCase()).filter(Boolean);
  const phones = lookup.phones
    .map((p) => phoneLookupKey(p, region))
    .filter((key) => key !== undefined);
  return (await byChannel('email', emails)) ?? (await byChannel('phone', phones));
}
