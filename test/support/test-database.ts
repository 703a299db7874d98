import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { createConnection } from 'mysql2/promise';
import { Client } from 'pg';
import {
  Database,
  DatabaseOptions,
  openDatabase,
  SQLITE_FILE_NAME,
} from '../../src/connectors/sql/database';
import { migrateToLatest } from '../../src/connectors/sql/migrations';
import { useFixture } from './hooks';

/**
 * The database the end-to-end tests run on, chosen by TEST_DATABASE: `sqlite` (the default),
 * `postgres` or `mariadb`. The servers are reached at TEST_POSTGRES_URL / TEST_MARIADB_URL
 * (defaults: the local servers, PostgreSQL with trust auth as `postgres`, MariaDB as `root`).
 */
export type TestDatabaseKind = 'sqlite' | 'postgres' | 'mariadb';

export const TEST_DATABASE: TestDatabaseKind = (() => {
  const kind = process.env.TEST_DATABASE || 'sqlite';
  if (kind !== 'sqlite' && kind !== 'postgres' && kind !== 'mariadb') {
    throw new Error(`TEST_DATABASE must be sqlite, postgres or mariadb, not ${kind}`);
  }
  return kind;
})();

const POSTGRES_URL = process.env.TEST_POSTGRES_URL || 'postgres://postgres@127.0.0.1:5432/postgres';
const MARIADB_URL = process.env.TEST_MARIADB_URL || 'mysql://root@127.0.0.1:3306/';

/** Test databases are named bridge_test_<creation time in seconds>_<random>. */
const PREFIX = 'bridge_test_';
/** A test database this old was left behind by a killed run: it is dropped. */
const STALE_AFTER_SECONDS = 6 * 3600;

export interface TestDatabase {
  kind: TestDatabaseKind;
  /** DATABASE_URL for the bridge; undefined for SQLite, which lives in `dataDir`. */
  url: string | undefined;
  /** A fresh temporary directory (the SQLite file's, unused otherwise). */
  dataDir: string;
  /** Drops the database and removes `dataDir`. */
  drop(): Promise<void>;
}

function withDatabase(serverUrl: string, name: string): string {
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

async function onPostgres<T>(work: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: POSTGRES_URL });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

async function onMariadb<T>(
  work: (connection: Awaited<ReturnType<typeof createConnection>>) => Promise<T>,
): Promise<T> {
  const connection = await createConnection({ uri: MARIADB_URL });
  try {
    return await work(connection);
  } finally {
    await connection.end();
  }
}

const isStale = (name: string, now: number) => {
  const created = Number(/^bridge_test_(\d+)_/.exec(name)?.[1]);
  return Number.isFinite(created) && now - created > STALE_AFTER_SECONDS;
};

let staleDropped = false;

/** Drops test databases left behind by killed runs (once per process, only old ones). */
async function dropStale(kind: TestDatabaseKind): Promise<void> {
  if (staleDropped) return;
  staleDropped = true;
  const now = Math.floor(Date.now() / 1000);
  if (kind === 'postgres') {
    await onPostgres(async (client) => {
      const { rows } = await client.query<{ datname: string }>(
        'select datname from pg_database where datname like $1',
        [`${PREFIX}%`],
      );
      for (const { datname } of rows.filter((r) => isStale(r.datname, now))) {
        await client.query(`drop database if exists "${datname}" with (force)`);
      }
    });
  } else if (kind === 'mariadb') {
    await onMariadb(async (connection) => {
      const [rows] = await connection.query(
        'select schema_name as name from information_schema.schemata where schema_name like ?',
        [`${PREFIX}%`],
      );
      for (const { name } of rows as { name: string }[]) {
        if (isStale(name, now)) await connection.query(`drop database if exists \`${name}\``);
      }
    });
  }
}

/**
 * A database of its own for one test app or fixture: an SQLite file in a fresh directory, or
 * CREATE DATABASE bridge_test_... on the PostgreSQL/MariaDB server, so that parallel jest
 * workers (and other runs on the same server) never see each other's data.
 */
export async function createTestDatabase(
  kind: TestDatabaseKind = TEST_DATABASE,
): Promise<TestDatabase> {
  const dataDir = mkdtempSync(join(tmpdir(), 'bridge-test-'));
  const name = `${PREFIX}${Math.floor(Date.now() / 1000)}_${randomBytes(6).toString('hex')}`;
  const removeDir = () => rmSync(dataDir, { recursive: true, force: true });
  try {
    switch (kind) {
      case 'sqlite':
        return {
          kind,
          url: undefined,
          dataDir,
          drop: async () => removeDir(),
        };
      case 'postgres':
        await dropStale(kind);
        await onPostgres((client) => client.query(`create database "${name}"`));
        return {
          kind,
          url: withDatabase(POSTGRES_URL, name),
          dataDir,
          async drop() {
            // FORCE ends connections a failed test may have left open.
            await onPostgres((client) =>
              client.query(`drop database if exists "${name}" with (force)`),
            );
            removeDir();
          },
        };
      case 'mariadb':
        await dropStale(kind);
        await onMariadb((connection) =>
          connection.query(`create database \`${name}\` character set utf8mb4 collate utf8mb4_bin`),
        );
        return {
          kind,
          url: withDatabase(MARIADB_URL, name),
          dataDir,
          async drop() {
            await onMariadb((connection) =>
              connection.query(`drop database if exists \`${name}\``),
            );
            removeDir();
          },
        };
    }
  } catch (error) {
    removeDir();
    throw error;
  }
}

/** A test database of its own for the enclosing describe block: created in a beforeAll, dropped in an afterAll. */
export function useTestDatabase(): TestDatabase {
  return useFixture(
    'the test database',
    () => createTestDatabase(),
    (database) => database.drop(),
  );
}

export interface MigratedDatabase {
  /** The test database. */
  database: TestDatabase;
  /** A connection pool on it, migrated to the latest schema. */
  db: Database;
  /** Another pool on the same database (the caller destroys it). */
  open(options?: Partial<DatabaseOptions>): Database;
}

/**
 * A test database of its own for the enclosing describe block, migrated, with a pool open on
 * it: created in a beforeAll; the pool destroyed and the database dropped in an afterAll.
 */
export function useMigratedDatabase(): MigratedDatabase {
  return useFixture(
    'the migrated test database',
    async () => {
      const database = await createTestDatabase();
      const open = (options: Partial<DatabaseOptions> = {}) =>
        openDatabase(database.url, database.dataDir, options);
      try {
        const db = open();
        await migrateToLatest(db).catch(async (error: unknown) => {
          await db.destroy();
          throw error;
        });
        return { database, db, open };
      } catch (error) {
        await database.drop();
        throw error;
      }
    },
    async ({ db, database }) => {
      try {
        await db.destroy();
      } finally {
        await database.drop();
      }
    },
  );
}

/** A lock held by another connection, as another writer of the external system would hold one. */
export interface HeldLock {
  release(): Promise<void>;
}

/**
 * Another connection takes a lock that keeps every write to `contacts` waiting until released:
 * SQLite's write lock (BEGIN IMMEDIATE), a SHARE lock on the table in PostgreSQL, and on MariaDB
 * the locks of SELECT ... FOR UPDATE over the whole table, gaps included, which block inserts.
 */
export async function lockContactsForWrites(database: TestDatabase): Promise<HeldLock> {
  switch (database.kind) {
    case 'sqlite': {
      const locker = new BetterSqlite3(join(database.dataDir, SQLITE_FILE_NAME));
      locker.exec('begin immediate');
      return {
        async release() {
          if (locker.inTransaction) locker.exec('rollback');
          locker.close();
        },
      };
    }
    case 'postgres': {
      const client = new Client({ connectionString: database.url });
      await client.connect();
      await client.query('begin');
      await client.query('lock table contacts in share mode');
      return {
        async release() {
          await client.query('rollback');
          await client.end();
        },
      };
    }
    case 'mariadb': {
      const connection = await createConnection({ uri: database.url });
      await connection.query('begin');
      await connection.query('select id from contacts for update');
      return {
        async release() {
          await connection.query('rollback');
          await connection.end();
        },
      };
    }
  }
}

/** The error code a write blocked by `lockContactsForWrites` fails with, per database. */
export const LOCKED_ERROR_CODE: Record<TestDatabaseKind, string> = {
  sqlite: 'SQLITE_BUSY',
  postgres: '55P03',
  mariadb: 'ER_LOCK_WAIT_TIMEOUT',
};
