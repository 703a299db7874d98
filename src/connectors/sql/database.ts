import { mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import {
  CompiledQuery,
  DatabaseConnection,
  Kysely,
  LogConfig,
  MysqlAdapter,
  MysqlDialect,
  PostgresAdapter,
  PostgresDialect,
  SqliteDatabase,
  SqliteDialect,
  sql,
} from 'kysely';
import type { Pool as MysqlPool } from 'mysql2';
import type { Pool as PostgresPool } from 'pg';
import { DatabaseSchema } from './schema';

export type Database = Kysely<DatabaseSchema>;

/** The SQL dialects the adapter speaks; `mysql` covers MySQL and MariaDB. */
export type SqlDialect = 'sqlite' | 'postgres' | 'mysql';

export const SQLITE_FILE_NAME = 'bridge.sqlite';

export type DatabaseTarget =
  | { dialect: 'sqlite'; path: string }
  | { dialect: 'postgres'; url: string }
  | { dialect: 'mysql'; url: string };

/**
 * Reads DATABASE_URL: `postgres://` / `postgresql://` (PostgreSQL), `mysql://` / `mariadb://`
 * (MySQL, MariaDB), `sqlite:<path>` / `file:<path>` (SQLite); empty means DATA_DIR/bridge.sqlite.
 */
export function databaseTarget(databaseUrl: string | undefined, dataDir: string): DatabaseTarget {
  if (!databaseUrl) return { dialect: 'sqlite', path: resolve(join(dataDir, SQLITE_FILE_NAME)) };
  if (/^postgres(ql)?:\/\//i.test(databaseUrl)) return { dialect: 'postgres', url: databaseUrl };
  if (/^(mysql|mariadb):\/\//i.test(databaseUrl)) {
    return { dialect: 'mysql', url: databaseUrl.replace(/^[a-z]+:/i, 'mysql:') };
  }
  const match = /^(?:sqlite|file):(?:\/\/)?(.+)$/.exec(databaseUrl);
  if (!match) {
    throw new Error(
      'DATABASE_URL must be postgres://..., postgresql://..., mysql://..., mariadb://... or sqlite:<path>',
    );
  }
  return { dialect: 'sqlite', path: match[1] === ':memory:' ? ':memory:' : resolve(match[1]) };
}

/** Where the SQLite file lives (SQLite URLs only). */
export function sqlitePath(databaseUrl: string | undefined, dataDir: string): string {
  const target = databaseTarget(databaseUrl, dataDir);
  if (target.dialect !== 'sqlite') throw new Error('DATABASE_URL is not an SQLite database');
  return target.path;
}

/** Connection pool and per-statement limits of a server database (PostgreSQL, MySQL/MariaDB). */
export interface DatabaseOptions {
  /** Most connections open at once (per process). */
  poolMax: number;
  /** An idle connection is closed after this long. */
  poolIdleMs: number;
  /** Longest wait to open a connection (and, on PostgreSQL, for a free pooled one). */
  connectTimeoutMs: number;
  /** The server cancels a statement running longer than this; 0: no limit. */
  statementTimeoutMs: number;
  /** A statement waiting this long for a row or table lock fails (and is retried); 0: no limit. */
  lockTimeoutMs: number;
  /** Errors of pooled connections outside a query (e.g. the server restarted); they are dropped from the pool. */
  onIdleError?: (error: Error) => void;
  /** Told of every statement once it has run (tracing); none by default. */
  log?: LogConfig;
}

export const DEFAULT_DATABASE_OPTIONS: DatabaseOptions = {
  poolMax: 10,
  poolIdleMs: 10_000,
  connectTimeoutMs: 2000,
  statementTimeoutMs: 0,
  lockTimeoutMs: 0,
};

/** Which dialect a Kysely instance (or one of its transactions) speaks. */
export function sqlDialect<T>(db: Kysely<T>): SqlDialect {
  const adapter = db.getExecutor().adapter;
  if (adapter instanceof PostgresAdapter) return 'postgres';
  if (adapter instanceof MysqlAdapter) return 'mysql';
  return 'sqlite';
}

/** What a MySQL-family server can do, learnt from its version string. */
export interface MysqlServer {
  mariadb: boolean;
  /** INSERT ... RETURNING (MariaDB 10.5 and later; MySQL has none). */
  insertReturning: boolean;
}

export function mysqlServerFromVersion(version: string): MysqlServer {
  const mariadb = /mariadb/i.test(version);
  const [major, minor] = version.split(/[.-]/).map((part) => Number(part));
  return { mariadb, insertReturning: mariadb && (major > 10 || (major === 10 && minor >= 5)) };
}

const mysqlServers = new WeakMap<object, Promise<MysqlServer>>();

/** The MySQL-family server behind `db` (asked once per database handle, transactions included). */
export function mysqlServer<T>(db: Kysely<T>): Promise<MysqlServer> {
  const adapter = db.getExecutor().adapter;
  let server = mysqlServers.get(adapter);
  if (!server) {
    server = sql<{ v: string }>`select version() as v`
      .execute(db)
      .then(({ rows }) => mysqlServerFromVersion(String(rows[0].v)));
    server.catch(() => mysqlServers.delete(adapter));
    mysqlServers.set(adapter, server);
  }
  return server;
}

/**
 * The PostgreSQL pool, opened on the first query. The driver is loaded only then, like mysql2
 * below: a bridge on SQLite (the default) never loads the server databases' drivers.
 */
async function postgresPool(url: string, options: DatabaseOptions): Promise<PostgresPool> {
  const { default: pg } = await import('pg');
  const { types } = pg;
  const pool = new pg.Pool({
    connectionString: url,
    max: options.poolMax,
    idleTimeoutMillis: options.poolIdleMs,
    connectionTimeoutMillis: options.connectTimeoutMs,
    // Sent with the connection's start-up packet: no extra round trip per connection.
    statement_timeout: options.statementTimeoutMs,
    lock_timeout: options.lockTimeoutMs,
    idle_in_transaction_session_timeout: options.statementTimeoutMs,
    application_name: 'talkdesk-bridge',
    keepAlive: true,
    types: {
      // bigint columns (epoch milliseconds) as numbers, like the other dialects give them.
      getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
        oid === types.builtins.INT8 && format !== 'binary'
          ? (value: string) => Number(value)
          : types.getTypeParser(oid, format)) as typeof types.getTypeParser,
    },
  });
  // Without a listener, an idle client losing its server would crash the process.
  pool.on('error', (error) => options.onIdleError?.(error));
  return pool;
}

function openPostgres(url: string, options: DatabaseOptions): Database {
  return new Kysely<DatabaseSchema>({
    dialect: new PostgresDialect({ pool: () => postgresPool(url, options) }),
    log: options.log,
  });
}

/** Session limits of one MySQL/MariaDB connection, set once when it is opened. */
async function limitMysqlSession(
  connection: DatabaseConnection,
  options: DatabaseOptions,
): Promise<void> {
  const { rows } = await connection.executeQuery<{ v: string }>(
    CompiledQuery.raw('select version() as v'),
  );
  const { mariadb } = mysqlServerFromVersion(String(rows[0].v));
  const settings: string[] = [];
  if (options.statementTimeoutMs > 0) {
    // MariaDB limits every statement (in seconds); MySQL only SELECTs (in milliseconds).
    settings.push(
      mariadb
        ? `max_statement_time = ${options.statementTimeoutMs / 1000}`
        : `max_execution_time = ${Math.ceil(options.statementTimeoutMs)}`,
    );
  }
  if (options.lockTimeoutMs > 0) {
    // Whole seconds only: row locks (InnoDB) and table metadata locks.
    const seconds = Math.max(1, Math.ceil(options.lockTimeoutMs / 1000));
    settings.push(`innodb_lock_wait_timeout = ${seconds}`, `lock_wait_timeout = ${seconds}`);
  }
  if (settings.length > 0) {
    await connection.executeQuery(CompiledQuery.raw(`set session ${settings.join(', ')}`));
  }
}

async function mysqlPool(url: string, options: DatabaseOptions): Promise<MysqlPool> {
  const { default: mysql } = await import('mysql2');
  const pool = mysql.createPool({
    uri: url,
    connectionLimit: options.poolMax,
    maxIdle: options.poolMax,
    idleTimeout: options.poolIdleMs,
    connectTimeout: options.connectTimeoutMs,
    enableKeepAlive: true,
    waitForConnections: true,
  });
  pool.on('connection', (connection) => {
    connection.on('error', (error) => options.onIdleError?.(error));
  });
  return pool;
}

function openMysql(url: string, options: DatabaseOptions): Database {
  return new Kysely<DatabaseSchema>({
    dialect: new MysqlDialect({
      pool: () => mysqlPool(url, options),
      onCreateConnection: (connection) => limitMysqlSession(connection, options),
    }),
    log: options.log,
  });
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

function openSqlite(path: string, log?: LogConfig): Database {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const sqlite = new BetterSqlite3(path);
  // WAL lets a seeding or writing process work beside the serving one; the busy timeout
  // makes readers wait for a writer instead of failing.
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('busy_timeout = 5000');
  sqlite.pragma('foreign_keys = ON');
  return new Kysely<DatabaseSchema>({
    dialect: new SqliteDialect({ database: new CachedStatements(sqlite) }),
    log,
  });
}

/**
 * Opens the demo database named by DATABASE_URL (see databaseTarget). Server databases
 * are reached through a connection pool (pg / mysql2) with the given limits; SQLite is one
 * embedded connection and ignores them.
 */
export function openDatabase(
  databaseUrl: string | undefined,
  dataDir: string,
  options: Partial<DatabaseOptions> = {},
): Database {
  const target = databaseTarget(databaseUrl, dataDir);
  const settings = { ...DEFAULT_DATABASE_OPTIONS, ...options };
  switch (target.dialect) {
    case 'postgres':
      return openPostgres(target.url, settings);
    case 'mysql':
      return openMysql(target.url, settings);
    case 'sqlite':
      return openSqlite(target.path, settings.log);
  }
}
