import { sql } from 'kysely';
import { loadConfig } from '../src/config/app-config';
import { RetryableUpstreamError, UpstreamError } from '../src/connectors/ports/errors';
import { Database, DatabaseOptions, openDatabase } from '../src/connectors/sql/database';
import { MappedConnectorAdapter } from '../src/connectors/sql/mapped/mapped-adapters';
import { MappedSql } from '../src/connectors/sql/mapped/mapped-sql';
import { openSqlClient } from '../src/connectors/sql/mapped/sql-client';
import { classifySqlError } from '../src/connectors/sql/sql-errors';
import { DEMO_CONTACTS_PER_ACCOUNT } from '../src/connectors/sql/demo-seed';
import { createAccount, insertContacts } from '../src/connectors/sql/sql-writer';
import { newContact } from './factories';
import { caught } from './support/errors';
import { startConnectorModule } from './support/ports';
import { DEMO, useTestApp } from './support/test-app';
import { createTestDatabase, TEST_DATABASE, useMigratedDatabase } from './support/test-database';

/*
 * What only a database server does: serve several replicas starting at once, refuse or end
 * connections, cancel a statement at its time limit, detect deadlocks between concurrent
 * transactions, and count pooled connections. SQLite runs in-process with one connection and one
 * writer at a time (a deployment on SQLite is a single replica), so none of this exists there:
 * jest.config.js runs this file on PostgreSQL and MariaDB only (TEST_DATABASE=postgres|mariadb).
 */
if (TEST_DATABASE === 'sqlite') {
  throw new Error('sql-server.e2e-spec.ts runs on PostgreSQL or MariaDB (see jest.config.js)');
}
const POSTGRES = TEST_DATABASE === 'postgres';

const databaseName = (url: string | undefined) => new URL(url as string).pathname.slice(1);

describe(`SQL database server (${TEST_DATABASE})`, () => {
  const testDb = useMigratedDatabase();
  const open = (options?: Partial<DatabaseOptions>) => testDb.open(options);

  it('replicas starting at once on an empty database migrate and seed the demo exactly once (one takes the lock, the others find its work)', async () => {
    const fresh = await createTestDatabase();
    const check = openDatabase(fresh.url, fresh.dataDir);
    const replicas = await Promise.allSettled(
      Array.from({ length: 3 }, () =>
        startConnectorModule(
          loadConfig({}, { dataDir: fresh.dataDir, databaseUrl: fresh.url, logLevel: 'silent' }),
        ),
      ),
    );
    try {
      expect(replicas.map((r) => r.status)).toEqual(['fulfilled', 'fulfilled', 'fulfilled']);
      const accounts = await check
        .selectFrom('accounts')
        .select(['id', 'username'])
        .orderBy('id')
        .execute();
      expect(accounts.map((a) => a.username)).toEqual(['demo@example.com', 'other@example.com']);
      for (const { id } of accounts) {
        const { count } = await check
          .selectFrom('contacts')
          .select((eb) => eb.fn.countAll<number>().as('count'))
          .where('account_id', '=', id)
          .executeTakeFirstOrThrow();
        expect(Number(count)).toBe(DEMO_CONTACTS_PER_ACCOUNT);
      }
      const { count } = await check
        .selectFrom('kysely_migration' as 'accounts')
        .select((eb) => eb.fn.countAll<number>().as('count'))
        .executeTakeFirstOrThrow();
      expect(Number(count)).toBe(1);
    } finally {
      for (const replica of replicas) {
        if (replica.status === 'fulfilled') await replica.value.close();
      }
      await check.destroy();
      await fresh.drop();
    }
  }, 120_000);

  it('a server that refuses connections is a retryable error, and the readiness ping names only its code', async () => {
    // Nothing listens on port 1 of the loopback interface.
    const url = (testDb.database.url as string).replace(/:\d+\//, ':1/');
    const options = {
      readOnly: true,
      statementTimeoutMs: 1000,
      poolMax: 1,
      poolIdleMs: 1000,
      connectTimeoutMs: 2000,
    };
    const refused = 'The database is unavailable (ECONNREFUSED)';
    // MySQL/MariaDB are asked which server they are when the client opens; PostgreSQL on the first statement.
    type Client = Awaited<ReturnType<typeof openSqlClient>>;
    const opened: Client | { failed: unknown } = await openSqlClient(url, options).catch(
      (error: unknown) => ({ failed: error }),
    );
    if ('failed' in opened) {
      expect(POSTGRES).toBe(false);
      expect((classifySqlError(opened.failed) as Error).message).toBe(refused);
      return;
    }
    const client = opened;
    try {
      const error = classifySqlError(
        await caught(client.all(sql`select 1`.compile(client.builder))),
      );
      expect(error).toBeInstanceOf(RetryableUpstreamError);
      expect((error as Error).message).toBe(refused);
      const ping = await caught(
        new MappedConnectorAdapter({
          client,
          manifest: { name: 'x', authenticationFields: [] },
          contacts: { time: { precisionMs: 1 } },
        } as unknown as MappedSql).ping({ signal: AbortSignal.timeout(5000) }),
      );
      expect((ping as Error).message).toBe(refused);
    } finally {
      await client.close();
    }
  });

  it('a statement running past DATABASE_QUERY_TIMEOUT_MS is cancelled and answered as a timeout', async () => {
    const limited = open({ statementTimeoutMs: 200 });
    try {
      const sleep = POSTGRES ? sql`select pg_sleep(3)` : sql`select sleep(3)`;
      const error = classifySqlError(await caught(sleep.execute(limited)));
      expect(error).toBeInstanceOf(UpstreamError);
      expect((error as UpstreamError).timeout).toBe(true);
      expect((error as Error).message).toBe(
        `The database did not answer in time (${POSTGRES ? '57014' : 'ER_STATEMENT_TIMEOUT'})`,
      );
    } finally {
      await limited.destroy();
    }
  });

  it('a deadlock between two writers is retryable', async () => {
    const accountId = await createAccount(testDb.db, 'deadlock@example.com', 'secret', 'Deadlock');
    const [a, b] = await insertContacts(
      testDb.db,
      accountId,
      ['row a', 'row b'].map((name) => newContact({ name, updatedAt: 1 })),
      'US',
    );
    const second = open();
    try {
      let locked = 0;
      let bothLocked!: () => void;
      const bothHoldOneRow = new Promise<void>((done) => (bothLocked = done));
      const writer = (first: number, then: number, via: Database) =>
        via.transaction().execute(async (tx) => {
          await tx.updateTable('contacts').set({ name: 'x' }).where('id', '=', first).execute();
          if (++locked === 2) bothLocked();
          await bothHoldOneRow;
          await tx.updateTable('contacts').set({ name: 'y' }).where('id', '=', then).execute();
        });
      const outcomes = await Promise.allSettled([writer(a, b, testDb.db), writer(b, a, second)]);
      const failures = outcomes.filter((o) => o.status === 'rejected');
      expect(failures).toHaveLength(1);
      const error = classifySqlError((failures[0] as PromiseRejectedResult).reason);
      expect(error).toBeInstanceOf(RetryableUpstreamError);
      expect((error as Error).message).toBe(
        `The database is busy (${POSTGRES ? '40P01' : 'ER_LOCK_DEADLOCK'})`,
      );
    } finally {
      await second.destroy();
    }
  });

  it('never opens more than DATABASE_POOL_MAX connections', async () => {
    const pooled = open({ poolMax: 2 });
    const name = databaseName(testDb.database.url);
    const sleeping = POSTGRES
      ? sql<{
          n: number;
        }>`select count(*) as n from pg_stat_activity where datname = ${name} and query like 'select pg_sleep(0.2%'`
      : sql<{
          n: number;
        }>`select count(*) as n from information_schema.processlist where db = ${name} and info like 'select sleep(0.2%'`;
    try {
      let done = false;
      const sleep = POSTGRES ? sql`select pg_sleep(0.25)` : sql`select sleep(0.25)`;
      const running = Promise.all(Array.from({ length: 8 }, () => sleep.execute(pooled))).finally(
        () => (done = true),
      );
      let most = 0;
      while (!done) {
        const { rows } = await sleeping.execute(testDb.db);
        most = Math.max(most, Number(rows[0].n));
        await new Promise((r) => setTimeout(r, 40));
      }
      await running;
      expect(most).toBeGreaterThanOrEqual(1);
      expect(most).toBeLessThanOrEqual(2);
    } finally {
      await pooled.destroy();
    }
  });
});

describe(`the bridge when the database server ends its connections (${TEST_DATABASE})`, () => {
  const t = useTestApp({ upstreamRetries: 3, upstreamRetryBaseMs: 50 });

  it('survives every connection being ended, and serves on new ones', async () => {
    expect((await t.post('/contacts/sync', { auth: DEMO })).status).toBe(200);
    const name = databaseName(t.database.url);
    const admin = openDatabase(t.database.url, t.dataDir, { poolMax: 1 });
    try {
      if (POSTGRES) {
        const { rows } = await sql<{
          ended: boolean;
        }>`select pg_terminate_backend(pid) as ended from pg_stat_activity where datname = ${name} and pid <> pg_backend_pid()`.execute(
          admin,
        );
        expect(rows.length).toBeGreaterThanOrEqual(1);
      } else {
        const { rows } = await sql<{
          id: number;
        }>`select id from information_schema.processlist where db = ${name} and id <> connection_id()`.execute(
          admin,
        );
        expect(rows.length).toBeGreaterThanOrEqual(1);
        for (const { id } of rows) {
          await sql`kill connection ${sql.lit(Number(id))}`.execute(admin);
        }
      }
      for (let i = 0; i < 3; i++) {
        const res = await t.post('/contacts/sync', { auth: DEMO });
        expect(res.status).toBe(200);
        expect(res.body.contacts.length).toBeGreaterThan(0);
      }
      expect((await t.get('/health/ready')).status).toBe(200);
    } finally {
      await admin.destroy();
    }
  });
});
