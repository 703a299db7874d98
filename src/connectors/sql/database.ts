import { mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import { DatabaseSchema } from './schema';

export type Database = Kysely<DatabaseSchema>;

export const SQLITE_FILE_NAME = 'bridge.sqlite';

/** Where the SQLite file lives: `sqlite:<path>` / `file:<path>` in DATABASE_URL, else DATA_DIR. */
export function sqlitePath(databaseUrl: string | undefined, dataDir: string): string {
  if (!databaseUrl) return resolve(join(dataDir, SQLITE_FILE_NAME));
  const match = /^(?:sqlite|file):(?:\/\/)?(.+)$/.exec(databaseUrl);
  if (!match) {
    throw new Error(
      'DATABASE_URL must be sqlite:<path> (other databases are not supported by this version)',
    );
  }
  return match[1] === ':memory:' ? ':memory:' : resolve(match[1]);
}

export function openDatabase(databaseUrl: string | undefined, dataDir: string): Database {
  const path = sqlitePath(databaseUrl, dataDir);
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const sqlite = new BetterSqlite3(path);
  // WAL lets a seeding or writing process work beside the serving one; the busy timeout
  // makes readers wait for a writer instead of failing.
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('busy_timeout = 5000');
  sqlite.pragma('foreign_keys = ON');
  return new Kysely<DatabaseSchema>({ dialect: new SqliteDialect({ database: sqlite }) });
}
