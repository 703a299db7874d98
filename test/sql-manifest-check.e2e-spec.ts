import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { runConnectorCheck } from '../src/tools/connector-check/connector-check';
import { TEST_DATABASE } from './support/test-database';
import { createErp, ERP_CLIENTS, seedErp } from './support/user-schemas/erp';
import { CRM_TENANTS, createLegacyCrm, seedLegacyCrm } from './support/user-schemas/legacy-crm';
import { createUserDatabase, UserDatabase } from './support/user-schemas/user-database';

/** `npm run connector:check` over an SQL manifest: validation, the keyset query's plan, credentials. */
describe(`connector:check of an SQL manifest (${TEST_DATABASE})`, () => {
  let user: UserDatabase;
  const dir = mkdtempSync(join(tmpdir(), 'sql-check-'));

  beforeAll(async () => {
    user = await createUserDatabase();
    await createLegacyCrm(user.db, user.database.kind);
    await seedLegacyCrm(user.db);
  }, 60_000);
  afterAll(async () => {
    await user?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  async function check(options: {
    manifest?: string;
    databaseUrl?: string;
    auth?: Record<string, string>;
  }) {
    const lines: string[] = [];
    const code = await runConnectorCheck(
      {
        manifest: 'connectors/sql/legacy-crm.yaml',
        maxPages: 1,
        show: 2,
        defaultPhoneRegion: 'US',
        timeoutMs: 10_000,
        ...options,
      },
      (line) => lines.push(line),
    );
    return { code, text: lines.join('\n') };
  }

  it('without a database, validates the manifest and says what it offers', async () => {
    const { code, text } = await check({});
    expect(code).toBe(0);
    expect(text).toMatch(/is valid: connector sql:legacy-crm/);
    expect(text).toMatch(
      /keyset on \(LAST_CHANGED, CUST_ID\); agents: yes; interactions: ticket, note, call/,
    );
    expect(text).toMatch(/the database was not reached/);
  });

  it('prints every mistake of a broken manifest with its path, and exits 1', async () => {
    const file = join(dir, 'broken.yaml');
    writeFileSync(
      file,
      'version: 1\nname: x\ncredentials: { type: table, table: U, secret: { column: H, algorithm: md5 } }\n',
    );
    const { code, text } = await check({ manifest: file });
    expect(code).toBe(1);
    expect(text).toMatch(/credentials\.secret\.algorithm: Invalid option/);
    expect(text).toMatch(/contacts: is required/);
  });

  it('reads the index in order when it exists, checks the credentials and shows contacts as Talkdesk gets them', async () => {
    const { code, text } = await check({ databaseUrl: user.url, auth: CRM_TENANTS[0] });
    expect(code).toBe(0);
    expect(text).toMatch(/accepted: tenant "T-ACME"/);
    expect(text).toMatch(/reads an index in order: no scan, no sort/);
    expect(text).toMatch(/as Talkdesk receives it: \{"id":"\d+"/);
    const rejected = await check({
      databaseUrl: user.url,
      auth: { ...CRM_TENANTS[0], password: 'no' },
    });
    expect(rejected.code).toBe(1);
    expect(rejected.text).toMatch(/rejected/);
  });

  it('warns when the keyset query scans or sorts, naming the index to create', async () => {
    const drop = user.db.schema.dropIndex('CUSTOMERS_SYNC');
    await (user.database.kind === 'mariadb' ? drop.on('CUSTOMERS') : drop).execute();
    try {
      const { code, text } = await check({ databaseUrl: user.url });
      expect(code).toBe(0);
      expect(text).toMatch(/warning: The contacts' keyset query (scans CUSTOMERS|sorts)/);
      expect(text).toMatch(
        /CREATE INDEX customers_sync_order ON [`"]CUSTOMERS[`"] \([`"]TENANT_ID[`"], [`"]LAST_CHANGED[`"], [`"]CUST_ID[`"]\)/,
      );
    } finally {
      await user.db.schema
        .createIndex('CUSTOMERS_SYNC')
        .on('CUSTOMERS')
        .columns(['TENANT_ID', 'LAST_CHANGED', 'CUST_ID'])
        .execute();
    }
  });
});

describe(`connector:check of an SQL manifest with a composite key (${TEST_DATABASE})`, () => {
  let user: UserDatabase;

  beforeAll(async () => {
    user = await createUserDatabase();
    await createErp(user.db, user.database.kind);
    await seedErp(user.db);
  }, 60_000);
  afterAll(() => user?.close());

  const check = async () => {
    const lines: string[] = [];
    const code = await runConnectorCheck(
      {
        manifest: 'connectors/sql/erp.yaml',
        databaseUrl: user.url,
        auth: { username: ERP_CLIENTS[0].username, password: ERP_CLIENTS[0].password },
        maxPages: 1,
        show: 1,
        defaultPhoneRegion: 'US',
        timeoutMs: 10_000,
      },
      (line) => lines.push(line),
    );
    return { code, text: lines.join('\n') };
  };

  it('reads the index over (client, time, every key column) in order, and shows the encoded id', async () => {
    const { code, text } = await check();
    expect(code).toBe(0);
    expect(text).toMatch(/keyset on \(changed_epoch, company_code, customer_no\)/);
    expect(text).toMatch(/reads an index in order: no scan, no sort/);
    expect(text).toMatch(/as Talkdesk receives it: \{"id":"DE01\+0000000000000001000"/);
  });

  it('without it, warns and names the composite index to create', async () => {
    const drop = user.db.schema.dropIndex('customer_master_sync');
    await (user.database.kind === 'mariadb' ? drop.on('customer_master') : drop).execute();
    try {
      const { code, text } = await check();
      expect(code).toBe(0);
      expect(text).toMatch(/warning: The contacts' keyset query (scans customer_master|sorts)/);
      expect(text).toMatch(
        /CREATE INDEX customer_master_sync_order ON [`"]customer_master[`"] \([`"]client[`"], [`"]changed_epoch[`"], [`"]company_code[`"], [`"]customer_no[`"]\)/,
      );
    } finally {
      await user.db.schema
        .createIndex('customer_master_sync')
        .on('customer_master')
        .columns(['client', 'changed_epoch', 'company_code', 'customer_no'])
        .execute();
    }
  });
});

describe(`connector:check warns of column types that break the sync's order (${TEST_DATABASE})`, () => {
  let user: UserDatabase;
  const dir = mkdtempSync(join(tmpdir(), 'sql-check-types-'));
  const kind = () => user.database.kind;

  beforeAll(async () => {
    user = await createUserDatabase();
    const k = kind();
    for (const [table, strict] of [
      ['loose_keys', false],
      ['tight_keys', true],
    ] as const) {
      // The test databases are created utf8mb4_bin: the loose table says its collation.
      const code =
        k === 'mariadb'
          ? sql.raw(`varchar(8) collate ${strict ? 'utf8mb4_bin' : 'utf8mb4_general_ci'}`)
          : strict && k === 'postgres'
            ? sql`varchar(8) collate "C"`
            : sql`varchar(8)`;
      const time =
        k === 'postgres'
          ? sql.raw(strict ? 'timestamp(3)' : 'timestamp')
          : k === 'mariadb'
            ? sql.raw('datetime(3)')
            : sql.raw('text');
      await user.db.schema
        .createTable(table)
        .addColumn('code', code, (c) => c.notNull())
        .addColumn('n', 'integer', (c) => c.notNull())
        .addColumn('changed', time, (c) => c.notNull())
        .execute();
      writeFileSync(
        join(dir, `${table}.yaml`),
        [
          'version: 1',
          `name: ${table.replace('_', '-')}`,
          `credentials: { type: static_tokens, hashes_file: ${JSON.stringify(join(dir, 'hashes'))} }`,
          'contacts:',
          `  table: ${table}`,
          '  id: [{ column: code, type: text }, { column: n }]',
          '  updated_at: { column: changed, type: timestamp }',
          '  fields: { name: code }',
        ].join('\n'),
      );
    }
    writeFileSync(join(dir, 'hashes'), `${'0'.repeat(64)}\n`);
  }, 60_000);
  afterAll(async () => {
    await user?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const check = async (table: string) => {
    const lines: string[] = [];
    const code = await runConnectorCheck(
      {
        manifest: join(dir, `${table}.yaml`),
        databaseUrl: user.url,
        maxPages: 1,
        show: 1,
        defaultPhoneRegion: 'US',
        timeoutMs: 10_000,
      },
      (line) => lines.push(line),
    );
    expect(code).toBe(0);
    return lines.filter((l) => /warning: The (text id|update-time) column/.test(l)).join('\n');
  };

  it('a MySQL/MariaDB text id without a binary collation, a PostgreSQL timestamp with microseconds', async () => {
    const loose = await check('loose_keys');
    if (kind() === 'mariadb') {
      expect(loose).toMatch(
        /The text id column code has the collation \w+, which does not order by code unit.*ALTER TABLE `loose_keys` MODIFY `code` varchar\(8\) COLLATE utf8mb4_bin/,
      );
    } else if (kind() === 'postgres') {
      expect(loose).toMatch(
        /The update-time column changed keeps 6 fractional digits.*ALTER TABLE "loose_keys" ALTER COLUMN "changed" TYPE timestamp\(3\)/,
      );
    } else {
      // SQLite keeps text as it is and dates as text: nothing to warn of.
      expect(loose).toBe('');
    }
  });

  it('nothing for a binary collation and timestamp(3)', async () => {
    expect(await check('tight_keys')).toBe('');
  });
});
