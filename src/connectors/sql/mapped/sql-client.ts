import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import {
  CompiledQuery,
  DummyDriver,
  Kysely,
  MysqlAdapter,
  MysqlIntrospector,
  MysqlQueryCompiler,
  PostgresAdapter,
  PostgresIntrospector,
  PostgresQueryCompiler,
  SqliteAdapter,
  SqliteIntrospector,
  SqliteDialect,
  SqliteQueryCompiler,
} from 'kysely';
import type { Pool as PgPool, PoolClient } from 'pg';
import type { Pool as MysqlPool, PoolConnection } from 'mysql2/promise';
import {
  CachedStatements,
  databaseTarget,
  mysqlServerFromVersion,
  openDatabase,
  SqlDialect,
} from '../database';

/**
 * The SQL connector's own connection to a database the user already has. Kysely builds and
 * quotes every statement (identifiers from the manifest, values as bound parameters) but the
 * statement runs on the driver directly, which hands rows as arrays (better-sqlite3's raw mode,
 * pg's rowMode "array", mysql2's rowsAsArray): no object per row is built that the mapping would
 * only take apart again. Nothing is migrated or seeded: the database is the user's.
 */

export type Row = unknown[];

export interface ClientOptions {
  readOnly: boolean;
  /** The server cancels a statement running longer (PostgreSQL, MySQL/MariaDB); 0: no limit. */
  statementTimeoutMs: number;
  /** A statement waiting this long for a lock fails, and is retried (PostgreSQL, MySQL/MariaDB); 0 or none: the server's. */
  lockTimeoutMs?: number;
  /** How long an SQLite statement waits for another writer (default 100 ms). */
  sqliteBusyTimeoutMs?: number;
  poolMax: number;
  poolIdleMs: number;
  connectTimeoutMs: number;
  onIdleError?: (error: Error) => void;
  /**
   * Work on the database before it is served, without the limits above (they are for requests):
   * the bundled demo database's migrations and seed. On SQLite it runs on the very connection
   * that then serves, so that an in-memory database is the one served.
   */
  setUp?: (database: Kysely<any>) => Promise<void>; // eslint-disable-line @typescript-eslint/no-explicit-any
}

export interface WriteResult {
  rows: Row[];
  /** The generated id, on MySQL/MariaDB (no RETURNING there). */
  insertId?: number;
  affected: number;
}

/** One connection inside a transaction. */
export interface SqlSession {
  all(query: CompiledQuery): Promise<Row[]>;
  write(query: CompiledQuery): Promise<WriteResult>;
}

export interface SqlClient extends SqlSession {
  readonly dialect: SqlDialect;
  /** Builds statements in the dialect (never runs them). */
  readonly builder: AnyKysely;
  transaction<T>(work: (session: SqlSession) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/** The user's schema is known only from the manifest, at run time: tables are untyped. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyKysely = Kysely<any>;

function builderFor(dialect: SqlDialect): AnyKysely {
  const parts = {
    sqlite: [SqliteAdapter, SqliteIntrospector, SqliteQueryCompiler],
    postgres: [PostgresAdapter, PostgresIntrospector, PostgresQueryCompiler],
    mysql: [MysqlAdapter, MysqlIntrospector, MysqlQueryCompiler],
  } as const;
  const [Adapter, Introspector, Compiler] = parts[dialect];
  return new Kysely({
    dialect: {
      createAdapter: () => new Adapter(),
      createDriver: () => new DummyDriver(),
      createIntrospector: (db) => new Introspector(db),
      createQueryCompiler: () => new Compiler(),
    },
  });
}

/** Values better-sqlite3 binds: booleans become 1 and 0. */
const sqliteValue = (v: unknown) => (typeof v === 'boolean' ? (v ? 1 : 0) : v);

/** Kysely over an open SQLite connection, which destroying it leaves open. */
function kyselyOver(db: BetterSqlite3.Database): AnyKysely {
  const statements = new CachedStatements(db);
  return new Kysely({
    dialect: new SqliteDialect({
      database: { prepare: (text) => statements.prepare(text), close: () => undefined },
    }),
  });
}

async function openSqliteClient(path: string, options: ClientOptions): Promise<SqlClient> {
  const setUp = options.setUp;
  if (setUp && path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const db = new BetterSqlite3(path, { readonly: options.readOnly, fileMustExist: !setUp });
  if (!options.readOnly) db.pragma('journal_mode = WAL');
  if (setUp) {
    // Another process may be setting the file up at once: wait for it, as long as it takes.
    db.pragma('busy_timeout = 5000');
    const kysely = kyselyOver(db);
    try {
      await setUp(kysely);
    } catch (error) {
      db.close();
      throw error;
    } finally {
      await kysely.destroy();
    }
  }
  // A reader waits a moment for a writer of the user's own application, never long: the
  // upstream guard retries a busy statement within the request's budget.
  db.pragma(`busy_timeout = ${Math.floor(options.sqliteBusyTimeoutMs ?? 100)}`);
  // better-sqlite3 builds SQLite with a 16 MB page cache per connection (SQLite's own default is
  // 2 MB). A full sync reads every page of the table once, so that cache fills with pages that are
  // not read again: 14.8 MB of the bridge's malloc at the peak of a sync of a million contacts.
  db.pragma('cache_size = -2000');
  const statements = new Map<string, BetterSqlite3.Statement>();
  const prepare = (text: string) => {
    let statement = statements.get(text);
    if (!statement) {
      statement = db.prepare(text);
      if (statements.size > 200) statements.delete(statements.keys().next().value as string);
      statements.set(text, statement);
    }
    return statement;
  };
  const session: SqlSession = {
    all: async (query) =>
      prepare(query.sql)
        .raw(true)
        .all(...query.parameters.map(sqliteValue)) as Row[],
    write: async (query) => {
      const statement = prepare(query.sql);
      if (statement.reader) {
        const rows = statement.raw(true).all(...query.parameters.map(sqliteValue)) as Row[];
        return { rows, affected: rows.length };
      }
      const info = statement.run(...query.parameters.map(sqliteValue));
      return { rows: [], affected: info.changes, insertId: Number(info.lastInsertRowid) };
    },
  };
  return {
    dialect: 'sqlite',
    builder: builderFor('sqlite'),
    ...session,
    async transaction(work) {
      db.exec('begin immediate');
      try {
        const result = await work(session);
        db.exec('commit');
        return result;
      } catch (error) {
        if (db.inTransaction) db.exec('rollback');
        throw error;
      }
    },
    async close() {
      statements.clear();
      db.close();
    },
  };
}

async function openPostgresClient(url: string, options: ClientOptions): Promise<SqlClient> {
  const { default: pg } = await import('pg');
  const { types } = pg;
  const settings = ['-c TimeZone=UTC'];
  if (options.readOnly) settings.push('-c default_transaction_read_only=on');
  const pool: PgPool = new pg.Pool({
    connectionString: url,
    max: options.poolMax,
    idleTimeoutMillis: options.poolIdleMs,
    connectionTimeoutMillis: options.connectTimeoutMs,
    statement_timeout: options.statementTimeoutMs,
    ...(options.lockTimeoutMs && { lock_timeout: options.lockTimeoutMs }),
    idle_in_transaction_session_timeout: options.statementTimeoutMs,
    options: settings.join(' '),
    application_name: 'talkdesk-bridge',
    keepAlive: true,
    types: {
      getTypeParser: ((oid: number, format?: 'text' | 'binary') => {
        if (format === 'binary') return types.getTypeParser(oid, format);
        // bigint ids and epoch numbers as numbers; timestamps without a zone read as UTC.
        if (oid === types.builtins.INT8) return (v: string) => Number(v);
        if (oid === types.builtins.TIMESTAMP)
          return (v: string) => new Date(`${v.replace(' ', 'T')}Z`);
        return types.getTypeParser(oid, format);
      }) as typeof types.getTypeParser,
    },
  });
  pool.on('error', (error) => options.onIdleError?.(error));
  const on = (client: PgPool | PoolClient): SqlSession => ({
    all: async (query) =>
      (await client.query({ text: query.sql, values: [...query.parameters], rowMode: 'array' }))
        .rows as Row[],
    write: async (query) => {
      const result = await client.query({
        text: query.sql,
        values: [...query.parameters],
        rowMode: 'array',
      });
      return { rows: result.rows as Row[], affected: result.rowCount ?? 0 };
    },
  });
  return {
    dialect: 'postgres',
    builder: builderFor('postgres'),
    ...on(pool),
    async transaction(work) {
      const client = await pool.connect();
      try {
        await client.query('begin');
        const result = await work(on(client));
        await client.query('commit');
        return result;
      } catch (error) {
        await client.query('rollback').catch(() => undefined);
        throw error;
      } finally {
        client.release();
      }
    },
    close: () => pool.end(),
  };
}

async function openMysqlClient(url: string, options: ClientOptions): Promise<SqlClient> {
  const mysql = await import('mysql2/promise');
  const common = { uri: url, connectTimeout: options.connectTimeoutMs, timezone: 'Z' as const };
  // Which server it is decides how statements are limited: asked once, on a connection of its own.
  const probe = await mysql.createConnection(common);
  let mariadb: boolean;
  try {
    const [rows] = await probe.query<import('mysql2').RowDataPacket[]>('select version() as v');
    mariadb = mysqlServerFromVersion(String(rows[0].v)).mariadb;
  } finally {
    await probe.end();
  }
  const session = ["time_zone = '+00:00'"];
  if (options.statementTimeoutMs > 0) {
    session.push(
      mariadb
        ? `max_statement_time = ${options.statementTimeoutMs / 1000}`
        : `max_execution_time = ${Math.ceil(options.statementTimeoutMs)}`,
    );
  }
  if (options.lockTimeoutMs) {
    // Whole seconds only: row locks (InnoDB) and table metadata locks.
    const seconds = Math.max(1, Math.ceil(options.lockTimeoutMs / 1000));
    session.push(`innodb_lock_wait_timeout = ${seconds}`, `lock_wait_timeout = ${seconds}`);
  }
  const pool: MysqlPool = mysql.createPool({
    ...common,
    connectionLimit: options.poolMax,
    maxIdle: options.poolMax,
    idleTimeout: options.poolIdleMs,
    enableKeepAlive: true,
    waitForConnections: true,
  });
  // Queued on each new connection before its first statement.
  pool.pool.on('connection', (connection) => {
    connection.on('error', (error: Error) => options.onIdleError?.(error));
    connection.query(`set session ${session.join(', ')}`);
    if (options.readOnly) connection.query('set session transaction read only');
  });
  const on = (client: MysqlPool | PoolConnection): SqlSession => ({
    all: async (query) =>
      (
        await client.query({ sql: query.sql, values: [...query.parameters], rowsAsArray: true })
      )[0] as Row[],
    write: async (query) => {
      const [result] = await client.query({
        sql: query.sql,
        values: [...query.parameters],
        rowsAsArray: true,
      });
      if (Array.isArray(result)) return { rows: result as Row[], affected: result.length };
      const header = result as { insertId: number; affectedRows: number };
      return { rows: [], insertId: header.insertId, affected: header.affectedRows };
    },
  });
  return {
    dialect: 'mysql',
    builder: builderFor('mysql'),
    ...on(pool),
    async transaction(work) {
      const connection = await pool.getConnection();
      try {
        await connection.beginTransaction();
        const result = await work(on(connection));
        await connection.commit();
        return result;
      } catch (error) {
        await connection.rollback().catch(() => undefined);
        throw error;
      } finally {
        connection.release();
      }
    },
    close: () => pool.end(),
  };
}

/** Opens the database DATABASE_URL names (see databaseTarget). */
export async function openSqlClient(
  databaseUrl: string,
  options: ClientOptions,
): Promise<SqlClient> {
  const target = databaseTarget(databaseUrl, '.');
  if (options.setUp && target.dialect !== 'sqlite') {
    // On a connection of its own: the set-up may wait for another replica's lock.
    const setup = openDatabase(databaseUrl, '.', {
      poolMax: 1,
      connectTimeoutMs: options.connectTimeoutMs,
    });
    try {
      await options.setUp(setup);
    } finally {
      await setup.destroy();
    }
  }
  switch (target.dialect) {
    case 'sqlite':
      return openSqliteClient(target.path, options);
    case 'postgres':
      return openPostgresClient(target.url, options);
    case 'mysql':
      return openMysqlClient(target.url, options);
  }
}
