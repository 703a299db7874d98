import { hashSync } from 'bcryptjs';
import { Kysely, sql } from 'kysely';
import { seededRandom } from '../../../src/common/seeded-random';
import { TestDatabase } from '../test-database';
import { pad, serialKey, textSeconds } from './user-database';

/**
 * A legacy CRM's own schema, nothing like the bridge's: upper-case table and column names,
 * three phone columns written as people typed them, dates as `YYYY-MM-DD HH:mm:ss` text, a
 * soft-delete flag and a tenant column (connectors/sql/legacy-crm.yaml reads it).
 */
export const CRM_TENANTS = [
  { tenant: 'T-ACME', username: 'ops@acme.example', password: 'acme-secret' },
  { tenant: 'T-GLOBEX', username: 'ops@globex.example', password: 'globex-secret' },
] as const;

export const CRM_INACTIVE_USER = { username: 'former@acme.example', password: 'acme-secret' };

export const CRM_CUSTOMERS_PER_TENANT = 260;
const BASE = Date.UTC(2024, 0, 1, 8);

export async function createLegacyCrm(db: Kysely<any>, kind: TestDatabase['kind']): Promise<void> {
  const key = serialKey(kind);
  const auto = (c: any) => (kind === 'postgres' ? c.primaryKey() : c.primaryKey().autoIncrement());
  await db.schema
    .createTable('CRM_USERS')
    .addColumn('USER_ID', key, auto)
    .addColumn('TENANT_ID', 'varchar(20)', (c) => c.notNull())
    .addColumn('LOGIN', 'varchar(120)', (c) => c.notNull())
    .addColumn('PASS_HASH', 'varchar(100)', (c) => c.notNull())
    .addColumn('ACTIVE', 'integer', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('CRM_USERS_LOGIN').on('CRM_USERS').column('LOGIN').execute();
  await db.schema
    .createTable('CUSTOMERS')
    .addColumn('CUST_ID', key, auto)
    .addColumn('TENANT_ID', 'varchar(20)', (c) => c.notNull())
    .addColumn('FIRST_NAME', 'varchar(80)')
    .addColumn('LAST_NAME', 'varchar(80)')
    .addColumn('COMPANY_NAME', 'varchar(120)')
    .addColumn('EMAIL', 'varchar(160)')
    .addColumn('EMAIL_2', 'varchar(160)')
    .addColumn('PHONE_HOME', 'varchar(40)')
    .addColumn('PHONE_WORK', 'varchar(40)')
    .addColumn('MOBILE', 'varchar(40)')
    .addColumn('SEGMENT', 'varchar(4)')
    .addColumn('LAST_CHANGED', 'varchar(19)', (c) => c.notNull())
    .addColumn('IS_DELETED', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema
    .createIndex('CUSTOMERS_SYNC')
    .on('CUSTOMERS')
    .columns(['TENANT_ID', 'LAST_CHANGED', 'CUST_ID'])
    .execute();
  await db.schema
    .createTable('STAFF')
    .addColumn('STAFF_ID', key, auto)
    .addColumn('TENANT_ID', 'varchar(20)', (c) => c.notNull())
    .addColumn('FULL_NAME', 'varchar(120)')
    .addColumn('EMAIL', 'varchar(160)')
    .execute();
  await db.schema
    .createTable('ACTIVITIES')
    .addColumn('ACT_ID', key, auto)
    .addColumn('TENANT_ID', 'varchar(20)', (c) => c.notNull())
    .addColumn('CUST_ID', 'integer', (c) => c.notNull())
    .addColumn('KIND', 'varchar(8)', (c) => c.notNull())
    .addColumn('TITLE', 'varchar(200)')
    .addColumn('BODY', 'text')
    .addColumn('PRIO', 'integer')
    .addColumn('STATE', 'varchar(2)')
    .addColumn('CREATED_AT', 'varchar(19)', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('ACTIVITIES_CUSTOMER')
    .on('ACTIVITIES')
    .columns(['TENANT_ID', 'CUST_ID', 'CREATED_AT'])
    .execute();
}

const FIRST = [
  'Ada',
  'Grace',
  'Alan',
  'Edsger',
  'Barbara',
  'Ken',
  'Radia',
  'Linus',
  'Frances',
  'Donald',
];
const LAST = [
  'Lovelace',
  'Hopper',
  'Turing',
  'Dijkstra',
  'Liskov',
  'Thompson',
  'Perlman',
  'Torvalds',
];

/** Fills the CRM: two tenants whose customers interleave, with ties, deleted rows and activities. */
export async function seedLegacyCrm(db: Kysely<any>): Promise<void> {
  const random = seededRandom(1913);
  const pick = <T>(list: readonly T[]) => list[Math.floor(random() * list.length)];
  await db
    .insertInto('CRM_USERS')
    .values([
      ...CRM_TENANTS.map((t) => ({
        TENANT_ID: t.tenant,
        LOGIN: t.username,
        PASS_HASH: hashSync(t.password, 4),
        ACTIVE: 1,
      })),
      {
        TENANT_ID: 'T-ACME',
        LOGIN: CRM_INACTIVE_USER.username,
        PASS_HASH: hashSync(CRM_INACTIVE_USER.password, 4),
        ACTIVE: 0,
      },
    ])
    .execute();
  const customers: Record<string, unknown>[] = [];
  for (let i = 0; i < CRM_CUSTOMERS_PER_TENANT; i++) {
    for (const [t, { tenant }] of CRM_TENANTS.entries()) {
      const n = i * 2 + t;
      const first = pick(FIRST);
      const last = pick(LAST);
      // Groups of six share one second: ties longer than the small pages of the tests.
      const changed = BASE + Math.floor(i / 6) * 61_000;
      const forms = [
        `(212) 555-${pad(n, 4)}`,
        `+1 212-555-${pad(n, 4)}`,
        `212.555.${pad(n, 4)}`,
        `2125555${pad(n, 3).slice(-3)}`,
      ];
      customers.push({
        TENANT_ID: tenant,
        FIRST_NAME: first,
        LAST_NAME: `${last} ${n}`,
        COMPANY_NAME: random() < 0.7 ? `${pick(LAST)} Ltd` : null,
        EMAIL:
          random() < 0.9
            ? `${first}.${last}.${n}@${tenant.slice(2).toLowerCase()}.example`.toLowerCase()
            : null,
        EMAIL_2: random() < 0.2 ? `alt.${n}@mail.example` : null,
        PHONE_HOME: random() < 0.6 ? forms[n % 3] : null,
        PHONE_WORK: random() < 0.5 ? `(646) 556-${pad(n, 4)}` : null,
        MOBILE: random() < 0.5 ? `+1 917 557 ${pad(n, 4)}` : null,
        SEGMENT: pick(['A', 'B', 'C', null]),
        LAST_CHANGED: textSeconds(changed),
        IS_DELETED: n % 17 === 5 ? 1 : 0,
      });
    }
  }
  for (let i = 0; i < customers.length; i += 100) {
    await db
      .insertInto('CUSTOMERS')
      .values(customers.slice(i, i + 100))
      .execute();
  }
  const staff = CRM_TENANTS.flatMap(({ tenant }, t) =>
    Array.from({ length: 12 }, (_, i) => ({
      TENANT_ID: tenant,
      FULL_NAME: `${pick(FIRST)} ${pick(LAST)}`,
      EMAIL: i % 5 === 4 ? null : `staff${t}-${i}@${tenant.slice(2).toLowerCase()}.example`,
    })),
  );
  await db.insertInto('STAFF').values(staff).execute();
  const rows = await db
    .selectFrom('CUSTOMERS')
    .select(['CUST_ID', 'TENANT_ID'])
    .where('IS_DELETED', '=', 0)
    .orderBy('CUST_ID')
    .limit(240)
    .execute();
  const activities: Record<string, unknown>[] = [];
  for (const [index, row] of rows.entries()) {
    const count = index % 4;
    for (let k = 0; k < count; k++) {
      activities.push({
        TENANT_ID: row.TENANT_ID,
        CUST_ID: row.CUST_ID,
        KIND: ['TKT', 'NOTE', 'CALL'][(index + k) % 3],
        TITLE: `Activity ${k} of ${String(row.CUST_ID)}`,
        BODY: 'Called about the invoice',
        PRIO: (k % 4) + 1,
        STATE: ['O', 'P', 'C'][k % 3],
        CREATED_AT: textSeconds(BASE + index * 3_600_000 + k * 60_000),
      });
    }
  }
  await db.insertInto('ACTIVITIES').values(activities).execute();
  void sql;
}

/** Writes customers with the given update times into a tenant, as the CRM would; answers their ids. */
export async function insertCrmCustomers(
  db: Kysely<any>,
  tenant: string,
  contacts: { name: string; emails: string[]; phones: string[]; updatedAt: number }[],
): Promise<string[]> {
  const ids: string[] = [];
  for (const c of contacts) {
    const values = {
      TENANT_ID: tenant,
      FIRST_NAME: c.name.split(' ')[0],
      LAST_NAME: c.name.split(' ').slice(1).join(' '),
      EMAIL: c.emails[0] ?? null,
      PHONE_HOME: c.phones[0] ?? null,
      LAST_CHANGED: textSeconds(c.updatedAt),
      IS_DELETED: 0,
    };
    const result = await db.insertInto('CUSTOMERS').values(values).executeTakeFirst();
    let id = result.insertId;
    if (id === undefined) {
      const row = await db
        .selectFrom('CUSTOMERS')
        .select(sql<number>`max(${sql.ref('CUST_ID')})`.as('id'))
        .executeTakeFirstOrThrow();
      id = BigInt(row.id);
    }
    ids.push(String(id));
  }
  return ids;
}
