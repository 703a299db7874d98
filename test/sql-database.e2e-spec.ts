import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { CompiledQuery, sql } from 'kysely';
import { loadConfig } from '../src/config/app-config';
import { RetryableUpstreamError, UpstreamError } from '../src/connectors/ports/errors';
import { mysqlServer, openDatabase, sqlDialect } from '../src/connectors/sql/database';
import { DEMO_CONTACTS_PER_ACCOUNT } from '../src/connectors/sql/demo-seed';
import { MappedSql } from '../src/connectors/sql/mapped/mapped-sql';
import { classifySqlError } from '../src/connectors/sql/sql-errors';
import {
  createAccount,
  findAccountId,
  insertContactRowsOneByOne,
  insertContactRowsReturning,
  insertContacts,
} from '../src/connectors/sql/sql-writer';
import { newContact } from './factories';
import { caught } from './support/errors';
import { startConnectorModule } from './support/ports';
import { DEMO } from './support/test-app';
import {
  createTestDatabase,
  TEST_DATABASE,
  useMigratedDatabase,
  useTestDatabase,
} from './support/test-database';

const ROOT = resolve(__dirname, '..');

const contact = (name: string, updatedAt: number) =>
  newContact({ name, emails: [`${name.replace(/\W/g, '.')}@example.com`], updatedAt });

const contactRow = (accountId: number, name: string) => ({
  account_id: accountId,
  name,
  title: null,
  company: null,
  emails: '[]',
  phones: '[]',
  websites: '[]',
  custom_fields: '[]',
  photo_url: null,
  address: null,
  twitter: null,
  updated_at: Date.now(),
});

/** The SQL layer itself on each database: insert ids, start-up by several replicas, errors, plans, pools. */
describe(`SQL database (${TEST_DATABASE})`, () => {
  const testDb = useMigratedDatabase();

  describe('insert ids', () => {
    let accountId: number;
    beforeAll(async () => {
      accountId = await createAccount(testDb.db, 'ids@example.com', 'secret', 'Ids');
    });

    const checkIds = async (ids: number[], names: string[]) => {
      expect(ids).toHaveLength(names.length);
      expect(new Set(ids).size).toBe(ids.length);
      const rows = await testDb.db
        .selectFrom('contacts')
        .select(['id', 'name'])
        .where('id', 'in', ids)
        .execute();
      const nameOf = new Map(rows.map((r) => [Number(r.id), r.name]));
      expect(ids.map((id) => nameOf.get(id))).toEqual(names);
    };

    it('insertContacts returns each contact’s own id, in order, with two writers inserting at once', async () => {
      const names = (writer: string) => Array.from({ length: 120 }, (_, i) => `${writer} ${i}`);
      const [a, b] = await Promise.all(
        ['first', 'second'].map((writer) =>
          // Batches of 40 interleave the two writers' statements.
          (async () => {
            const ids: number[] = [];
            for (let i = 0; i < 120; i += 40) {
              const batch = names(writer)
                .slice(i, i + 40)
                .map((n) => contact(n, Date.now()));
              ids.push(...(await insertContacts(testDb.db, accountId, batch, 'US')));
            }
            return ids;
          })(),
        ),
      );
      await checkIds(a, names('first'));
      await checkIds(b, names('second'));
    });

    it('each insert-id approach maps every id to its own row (RETURNING; on MySQL/MariaDB also one insert per row)', async () => {
      const names = Array.from({ length: 25 }, (_, i) => `approach ${i}`);
      const rows = names.map((n) => contactRow(accountId, n));
      if (sqlDialect(testDb.db) === 'mysql') {
        // MariaDB (10.5+) has INSERT ... RETURNING; MySQL does not and gets one insert per row.
        const server = await mysqlServer(testDb.db);
        expect(server.insertReturning).toBe(TEST_DATABASE === 'mariadb');
        await checkIds(
          await testDb.db.transaction().execute((tx) => insertContactRowsOneByOne(tx, rows)),
          names,
        );
        const more = names.map((n) => `${n} again`);
        await checkIds(
          await testDb.db.transaction().execute((tx) =>
            insertContactRowsReturning(
              tx,
              more.map((n) => contactRow(accountId, n)),
            ),
          ),
          more,
        );
      } else {
        await checkIds(await insertContactRowsReturning(testDb.db, rows), names);
      }
    });
  });

  it('a second start on a seeded database migrates and seeds nothing more', async () => {
    const fresh = await createTestDatabase();
    const start = () =>
      startConnectorModule(
        loadConfig({}, { dataDir: fresh.dataDir, databaseUrl: fresh.url, logLevel: 'silent' }),
      );
    const db = openDatabase(fresh.url, fresh.dataDir);
    try {
      await (await start()).close();
      await (await start()).close();
      const accounts = await db.selectFrom('accounts').select('username').orderBy('id').execute();
      expect(accounts.map((a) => a.username)).toEqual(['demo@example.com', 'other@example.com']);
      const { count } = await db
        .selectFrom('contacts')
        .select((eb) => eb.fn.countAll<number>().as('count'))
        .executeTakeFirstOrThrow();
      expect(Number(count)).toBe(2 * DEMO_CONTACTS_PER_ACCOUNT);
    } finally {
      await db.destroy();
      await fresh.drop();
    }
  }, 120_000);

  describe('errors from the real database', () => {
    it('a unique violation is a plain upstream error naming only its code', async () => {
      await createAccount(testDb.db, 'twice@example.com', 'secret', 'Twice');
      const error = classifySqlError(
        await caught(createAccount(testDb.db, 'twice@example.com', 'hunter2', 'Twice again')),
      );
      expect(error).toBeInstanceOf(UpstreamError);
      expect(error).not.toBeInstanceOf(RetryableUpstreamError);
      const code = {
        sqlite: 'SQLITE_CONSTRAINT_UNIQUE',
        postgres: '23505',
        mariadb: 'ER_DUP_ENTRY',
      }[TEST_DATABASE];
      expect((error as Error).message).toBe(`The database failed (${code})`);
    });
  });

  it('the keyset page query reads the sync-order index in order, with no sort', async () => {
    const owner = (await findAccountId(testDb.db, 'ids@example.com')) as number;
    await insertContacts(
      testDb.db,
      owner,
      Array.from({ length: 2000 }, (_, i) => contact(`plan ${i}`, 1_700_000_000_000 + i)),
      'US',
    );
    const dialect = sqlDialect(testDb.db);
    if (dialect === 'postgres') await sql`analyze contacts`.execute(testDb.db);
    if (dialect === 'mysql') await sql`analyze table contacts`.execute(testDb.db);
    const now = Date.now();
    const queries = [
      { changedUntil: now, limit: 250 },
      { changedUntil: now, limit: 250, after: { updatedAt: 1_700_000_001_000, id: '1' } },
      {
        changedUntil: now,
        changedSince: 1_700_000_000_500,
        limit: 250,
        after: { updatedAt: 1_700_000_001_000, id: '1' },
      },
    ];
    // The keyset statement the demo's contacts are read with (connectors/sql/bridge-demo.yaml).
    const moduleRef = await startConnectorModule(
      loadConfig(
        {},
        { dataDir: testDb.database.dataDir, databaseUrl: testDb.database.url, logLevel: 'silent' },
      ),
    );
    try {
      const { contacts } = moduleRef.get(MappedSql);
      for (const query of queries) {
        const compiled = contacts.pageQuery(owner, query);
        const explain = (prefix: string) =>
          testDb.db.executeQuery(
            CompiledQuery.raw(`${prefix} ${compiled.sql}`, [...compiled.parameters]),
          );
        if (dialect === 'postgres') {
          const plan = JSON.stringify((await explain('explain')).rows);
          expect(plan).toMatch(/Index Scan using contacts_sync_order/);
          expect(plan).not.toMatch(/Sort/);
        } else if (dialect === 'mysql') {
          const [row] = (await explain('explain')).rows as {
            key: string;
            type: string;
            Extra: string;
          }[];
          expect(row).toMatchObject({ key: 'contacts_sync_order', type: 'range' });
          expect(row.Extra).not.toMatch(/filesort/);
        } else {
          const steps = JSON.stringify((await explain('explain query plan')).rows);
          expect(steps).toMatch(/USING INDEX contacts_sync_order/);
          expect(steps).not.toMatch(/TEMP B-TREE/);
        }
      }
    } finally {
      await moduleRef.close();
    }
  });
});

describe(`the seed command (${TEST_DATABASE})`, () => {
  const database = useTestDatabase();

  it('adds contacts to a new account through DATABASE_URL, after seeding the demo', async () => {
    const output = await new Promise<{ code: number | null; out: string }>((done) => {
      const child = spawn(
        process.execPath,
        [
          '--no-warnings',
          '-r',
          './test/support/register-ts.js',
          'src/bin/seed.ts',
          '--account',
          'bulk@example.com',
          '--password',
          'bulk-pass',
          '--contacts',
          '3000',
          '--batch',
          '1000',
        ],
        {
          cwd: ROOT,
          env: {
            ...process.env,
            DATABASE_URL: database.url ?? '',
            DATA_DIR: database.dataDir,
          },
          stdio: ['ignore', 'pipe', 'pipe'],
        },
      );
      let out = '';
      child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
      child.stderr.on('data', (chunk: Buffer) => (out += chunk.toString()));
      child.on('exit', (code) => done({ code, out }));
    });
    expect(output.out).toMatch(/Added 3000 contacts to bulk@example.com/);
    expect(output.code).toBe(0);

    const check = openDatabase(database.url, database.dataDir);
    try {
      const bulk = (await findAccountId(check, 'bulk@example.com')) as number;
      const demo = (await findAccountId(check, DEMO.username)) as number;
      for (const [account, expected] of [
        [bulk, 3000],
        [demo, DEMO_CONTACTS_PER_ACCOUNT],
      ]) {
        const { count } = await check
          .selectFrom('contacts')
          .select((eb) => eb.fn.countAll<number>().as('count'))
          .where('account_id', '=', account)
          .executeTakeFirstOrThrow();
        expect(Number(count)).toBe(expected);
      }
    } finally {
      await check.destroy();
    }
  }, 120_000);
});
