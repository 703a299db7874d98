import { sql } from 'kysely';
import { Database, sqlDialect } from './database';
import { seededRandom } from '../../common/seeded-random';
import { demoContact, demoInteractions, demoTimestamps, demoUsers } from './demo-data';
import { createAccount, insertContacts, insertInteractions, insertUsers } from './sql-writer';

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
  const interactions = ids.slice(0, 200).flatMap((contactId) =>
    demoInteractions(rng, Math.floor(rng() * 7), DEMO_EPOCH).map((interaction) => ({
      contactId,
      interaction,
    })),
  );
  await insertInteractions(db, accountId, interactions);
}

/** Names the lock that lets one process at a time seed (PostgreSQL advisory lock key, MySQL lock name). */
const SEED_LOCK_KEY = 0x7a1d_5eed;
const SEED_LOCK_NAME = 'talkdesk_bridge_demo_seed';
const SEED_LOCK_WAIT_SECONDS = 600;

/**
 * Runs `seed` in one transaction that only one process at a time can be in: replicas starting
 * at once queue up on a lock (a transaction-scoped advisory lock on PostgreSQL, a named
 * GET_LOCK on MySQL/MariaDB, the database's single writer on SQLite), and each one after the
 * first sees the first one's work.
 */
async function exclusively<T>(db: Database, seed: (tx: Database) => Promise<T>): Promise<T> {
  switch (sqlDialect(db)) {
    case 'postgres':
      return db.transaction().execute(async (tx) => {
        await sql`select pg_advisory_xact_lock(${sql.lit(SEED_LOCK_KEY)})`.execute(tx);
        return seed(tx);
      });
    case 'mysql':
      // GET_LOCK belongs to the connection: take it, seed and release it on that one connection.
      return db.connection().execute(async (connection) => {
        const { rows } = await sql<{
          locked: number | null;
        }>`select get_lock(${SEED_LOCK_NAME}, ${SEED_LOCK_WAIT_SECONDS}) as locked`.execute(
          connection,
        );
        if (Number(rows[0]?.locked) !== 1) {
          throw new Error('Timed out waiting for another process to seed the demo');
        }
        try {
          return await connection.transaction().execute(seed);
        } finally {
          await sql`select release_lock(${SEED_LOCK_NAME})`.execute(connection);
        }
      });
    case 'sqlite':
      return db.transaction().execute(seed);
  }
}

const hasAccount = async (db: Database) =>
  (await db.selectFrom('accounts').select('id').limit(1).executeTakeFirst()) !== undefined;

/**
 * Seeds the demo accounts unless the database already holds an account; true when it seeded.
 * All or nothing, and safe when several processes start on one empty database at once: one of
 * them seeds, the others find its accounts (see `exclusively`). Should the lock not hold (a
 * writer that does not take it), the loser's transaction fails on the unique username and rolls
 * back; finding the winner's accounts then, it reports that it did not seed.
 */
export async function seedDemoIfEmpty(db: Database, region: string): Promise<boolean> {
  if (await hasAccount(db)) return false;
  try {
    return await exclusively(db, async (tx) => {
      if (await hasAccount(tx)) return false;
      for (const account of DEMO_ACCOUNTS) await seedAccount(tx, account, region);
      return true;
    });
  } catch (error) {
    if (await hasAccount(db)) return false;
    throw error;
  }
}
