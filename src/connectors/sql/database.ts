import { mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, SqliteDatabase, SqliteDialect } from 'kysely';
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

/** Most distinct SQL texts kept prepared; the queries of the adapter are a few dozen. */
export const STATEMENT_CACHE_SIZE = 200;

/**
 * better-sqlite3 as Kysely sees it, with each SQL text prepared once and reused. Kysely's
 * SQLite driver prepares a statement for every query; each one costs SQLite a compile and
 * ~30 KB of native memory that is freed only when V8 collects the statement object, so a long
 * sync would otherwise pile up native memory the garbage collector does not see.
 */
export class CachedStatements implements SqliteDatabase {
  private readonly statements = new Map<string, BetterSqlite3.Statement>();

  constructor(
    private readonly sqlite: BetterSqlite3.Database,
    private readonly capacity = STATEMENT_CACHE_SIZE,
  ) {}

  prepare(sql: string): BetterSqlite3.Statement {
    const cached = this.statements.get(sql);
    // A statement still iterating (a streamed query) cannot run again: prepare another.
    if (cached && !cached.busy) {
      this.statements.delete(sql);
      this.statements.set(sql, cached);
      return cached;
    }
    const statement = this.sqlite.prepare(sql);
    if (!cached) {
      this.statements.set(sql, statement);
      if (this.statements.size > this.capacity) {
        this.statements.delete(this.statements.keys().next().value as string);
      }
    }
    return statement;
  }

  get size(): number {
    return this.statements.size;
  }

  close(): void {
    this.statements.clear();
    this.sqlite.close();
  }
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
  return new Kysely<DatabaseSchema>({
    dialect: new SqliteDialect({ database: new CachedStatements(sqlite) }),
  });
}
