import { Database } from './database';
import {
  demoContact,
  demoInteractions,
  demoTimestamps,
  demoUsers,
  seededRandom,
} from './demo-data';
import { createAccount, insertContacts, insertInteraction, insertUsers } from './sql-writer';

export interface DemoAccount {
  username: string;
  password: string;
  displayName: string;
  seed: number;
}

/** The credentials the README and the Swagger examples show. */
export const DEMO_ACCOUNTS: DemoAccount[] = [
  { username: 'demo@example.com', password: 'demo', displayName: 'Demo Inc.', seed: 1 },
  { username: 'other@example.com', password: 'other', displayName: 'Other Ltd.', seed: 2 },
];

export const DEMO_CONTACTS_PER_ACCOUNT = 1500;
export const DEMO_AGENTS_PER_ACCOUNT = 40;
/** Demo contacts were last changed from this instant on, a few seconds to a minute apart. */
const DEMO_EPOCH = Date.UTC(2026, 0, 1);

async function seedAccount(db: Database, account: DemoAccount, region: string): Promise<void> {
  const rng = seededRandom(account.seed);
  const accountId = await createAccount(
    db,
    account.username,
    account.password,
    account.displayName,
  );
  const times = demoTimestamps(rng, DEMO_CONTACTS_PER_ACCOUNT, DEMO_EPOCH);
  const contacts = times.map((t, i) => demoContact(rng, i + 1, t));
  const ids: number[] = [];
  for (let i = 0; i < contacts.length; i += 500) {
    ids.push(...(await insertContacts(db, accountId, contacts.slice(i, i + 500), region)));
  }
  await insertUsers(db, accountId, demoUsers(rng, DEMO_AGENTS_PER_ACCOUNT));
  // Interactions on the first contacts, so that the Swagger example (contact "1") shows some.
  for (const contactId of ids.slice(0, 200)) {
    for (const interaction of demoInteractions(rng, Math.floor(rng() * 7), DEMO_EPOCH)) {
      await insertInteraction(db, accountId, contactId, interaction);
    }
  }
}

/** Seeds the demo accounts unless the database already holds an account; true when it seeded. */
export async function seedDemoIfEmpty(db: Database, region: string): Promise<boolean> {
  const existing = await db.selectFrom('accounts').select('id').limit(1).executeTakeFirst();
  if (existing) return false;
  for (const account of DEMO_ACCOUNTS) await seedAccount(db, account, region);
  return true;
}
