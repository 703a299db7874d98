import { join } from 'node:path';
import { Kysely } from 'kysely';
import { openDatabase } from '../../../src/connectors/sql/database';
import { createTestDatabase, TestDatabase } from '../test-database';

/**
 * A database of the kind TEST_DATABASE names holding a schema the bridge did not create, as a
 * company's own application keeps it: the DATABASE_URL the bridge is given, and a writable
 * connection for the test to create, fill and change it as that application would.
 */
export interface UserDatabase {
  database: TestDatabase;
  /** DATABASE_URL for the bridge. */
  url: string;
  db: Kysely<any>;
  close(): Promise<void>;
}

export async function createUserDatabase(): Promise<UserDatabase> {
  const database = await createTestDatabase();
  const url = database.url ?? `sqlite:${join(database.dataDir, 'user.sqlite')}`;
  const db = openDatabase(url, database.dataDir) as unknown as Kysely<any>;
  return {
    database,
    url,
    db,
    async close() {
      try {
        await db.destroy();
      } finally {
        await database.drop();
      }
    },
  };
}

/** An auto-incremented integer primary key, as each dialect writes one. */
export function serialKey(kind: TestDatabase['kind']) {
  return kind === 'postgres' ? ('serial' as const) : ('integer' as const);
}

export const pad = (n: number, width: number) => String(n).padStart(width, '0');

/** `YYYY-MM-DD HH:mm:ss` in UTC. */
export const textSeconds = (ms: number) =>
  new Date(ms).toISOString().slice(0, 19).replace('T', ' ');
