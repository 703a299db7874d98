import { pbkdf2Sync } from 'node:crypto';
import { Kysely, sql } from 'kysely';
import { seededRandom } from '../../../src/common/seeded-random';
import { encodeKey } from '../../../src/connectors/sql/mapped/row-key';
import { TestDatabase } from '../test-database';
import { pad, serialKey } from './user-database';

/**
 * An ERP's customer master (connectors/sql/erp.yaml reads it): customers keyed by
 * (company_code, customer_no), the same customer numbers in every company code, a client column
 * scoping everything, change times in epoch seconds, a deletion flag, staff keyed by
 * (company_code, staff_no), a call log naming both key columns, PBKDF2 password hashes.
 * Company codes hold a space and a `+`, so that the contact ids' escaping is exercised.
 */
export const ERP_CLIENTS = [
  {
    client: '100',
    username: 'sd.clerk@erp100',
    password: 'erp-100-secret',
    companies: ['DE01', 'DE01X', 'US 01'],
  },
  {
    client: '200',
    username: 'sd.clerk@erp200',
    password: 'erp-200-secret',
    companies: ['A+B', 'FR01', 'DE02'],
  },
] as const;

/** The key of a customer row, as the manifest declares it. */
export const ERP_KEY = [
  { column: 'company_code', type: 'text' as const },
  { column: 'customer_no', type: 'integer' as const },
];

export const ERP_CUSTOMERS_PER_CLIENT = 270;
const BASE = Date.UTC(2024, 4, 1, 6) / 1000;

const pbkdf2 = (password: string, salt: string) =>
  `pbkdf2_sha256$1000$${salt}$${pbkdf2Sync(password, salt, 1000, 32, 'sha256').toString('base64')}`;

export const erpId = (companyCode: string, customerNo: number) =>
  encodeKey(ERP_KEY, [companyCode, customerNo])!;

export async function createErp(db: Kysely<any>, kind: TestDatabase['kind']): Promise<void> {
  const key = serialKey(kind);
  const auto = (c: any) => (kind === 'postgres' ? c.primaryKey() : c.primaryKey().autoIncrement());
  // Text key columns sort by code unit, as contact ids compare: binary on MariaDB, "C" on PostgreSQL.
  const code =
    kind === 'mariadb'
      ? sql`varchar(8) collate utf8mb4_bin`
      : kind === 'postgres'
        ? sql`varchar(8) collate "C"`
        : sql`varchar(8)`;
  await db.schema
    .createTable('erp_users')
    .addColumn('user_id', key, auto)
    .addColumn('client', 'varchar(3)', (c) => c.notNull())
    .addColumn('login', 'varchar(60)', (c) => c.notNull())
    .addColumn('pw_hash', 'varchar(120)', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('erp_users_login').on('erp_users').column('login').execute();
  await db.schema
    .createTable('customer_master')
    .addColumn('client', 'varchar(3)', (c) => c.notNull())
    .addColumn('company_code', code, (c) => c.notNull())
    .addColumn('customer_no', 'integer', (c) => c.notNull())
    .addColumn('name1', 'varchar(80)')
    .addColumn('phone', 'varchar(40)')
    .addColumn('email', 'varchar(160)')
    .addColumn('deletion_flag', 'varchar(1)')
    .addColumn('changed_epoch', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('customer_master_pk', ['client', 'company_code', 'customer_no'])
    .execute();
  await db.schema
    .createIndex('customer_master_sync')
    .on('customer_master')
    .columns(['client', 'changed_epoch', 'company_code', 'customer_no'])
    .execute();
  await db.schema
    .createTable('erp_staff')
    .addColumn('client', 'varchar(3)', (c) => c.notNull())
    .addColumn('company_code', code, (c) => c.notNull())
    .addColumn('staff_no', 'integer', (c) => c.notNull())
    .addColumn('full_name', 'varchar(80)')
    .addColumn('email', 'varchar(160)')
    .addPrimaryKeyConstraint('erp_staff_pk', ['client', 'company_code', 'staff_no'])
    .execute();
  await db.schema
    .createTable('erp_call_log')
    .addColumn('log_id', key, auto)
    .addColumn('client', 'varchar(3)', (c) => c.notNull())
    .addColumn('company_code', code, (c) => c.notNull())
    .addColumn('customer_no', 'integer', (c) => c.notNull())
    .addColumn('kind', 'varchar(1)', (c) => c.notNull())
    .addColumn('subject', 'varchar(200)')
    .addColumn('note', 'text')
    .addColumn('logged_epoch', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('erp_call_log_customer')
    .on('erp_call_log')
    .columns(['client', 'company_code', 'customer_no', 'logged_epoch'])
    .execute();
}

const NAMES = ['Müller GmbH', 'Dupont SA', 'Acme Corp', 'Rossi Srl', 'Nakamura KK', 'Smith & Co'];

/**
 * Fills the ERP: each client's customers spread over its company codes with the same numbers,
 * groups of seven sharing one second across company codes (ties longer than the tests' pages),
 * deleted rows, staff and a call log.
 */
export async function seedErp(db: Kysely<any>): Promise<void> {
  const random = seededRandom(4711);
  await db
    .insertInto('erp_users')
    .values(
      ERP_CLIENTS.map((c) => ({
        client: c.client,
        login: c.username,
        pw_hash: pbkdf2(c.password, `salt${c.client}`),
      })),
    )
    .execute();
  const customers: Record<string, unknown>[] = [];
  const calls: Record<string, unknown>[] = [];
  for (const { client, companies } of ERP_CLIENTS) {
    for (let i = 0; i < ERP_CUSTOMERS_PER_CLIENT; i++) {
      const company = companies[i % companies.length];
      const no = 1000 + Math.floor(i / companies.length);
      const n = Number(client) * 10 + i;
      customers.push({
        client,
        company_code: company,
        customer_no: no,
        name1: `${NAMES[i % NAMES.length]} ${company} ${no}`,
        // Typed as people do: punctuation the last-digits lookup has to see through.
        phone: random() < 0.8 ? `(212) 55${i % 10}-${pad(n % 10_000, 4)}` : null,
        email:
          random() < 0.7 ? `ap.${no}@${company.replace(/\W/g, '').toLowerCase()}.example` : null,
        deletion_flag: i % 19 === 7 ? 'X' : null,
        changed_epoch: BASE + Math.floor(i / 7) * 61,
      });
      if (client === ERP_CLIENTS[0].client && i < 60 && i % 2 === 0) {
        for (let k = 0; k < 3; k++) {
          calls.push({
            client,
            company_code: company,
            customer_no: no,
            kind: k === 1 ? 'N' : 'C',
            subject: `${k === 1 ? 'Note' : 'Call'} ${k} about ${company} ${no}`,
            note: 'From the ERP call log',
            logged_epoch: BASE + i * 60 + k,
          });
        }
      }
    }
  }
  for (let i = 0; i < customers.length; i += 100) {
    await db
      .insertInto('customer_master')
      .values(customers.slice(i, i + 100))
      .execute();
  }
  await db.insertInto('erp_call_log').values(calls).execute();
  await db
    .insertInto('erp_staff')
    .values(
      ERP_CLIENTS.flatMap(({ client, companies }) =>
        companies.flatMap((company) =>
          [1, 2].map((staff) => ({
            client,
            company_code: company,
            staff_no: staff,
            full_name: `Clerk ${staff} of ${company}`,
            email: `clerk${staff}.${company.replace(/\W/g, '').toLowerCase()}@erp.example`,
          })),
        ),
      ),
    )
    .execute();
}

/**
 * Writes customers with the given change times into a client, as the ERP would (the next
 * customer numbers of its company codes in turn); answers their contact ids.
 */
export async function insertErpCustomers(
  db: Kysely<any>,
  account: 0 | 1,
  contacts: { name: string; emails: string[]; phones: string[]; updatedAt: number }[],
): Promise<string[]> {
  const { client, companies } = ERP_CLIENTS[account];
  const ids: string[] = [];
  for (const [i, c] of contacts.entries()) {
    const company = companies[i % companies.length];
    const row = await db
      .selectFrom('customer_master')
      .select(sql<number>`max(${sql.ref('customer_no')})`.as('top'))
      .where('client', '=', client)
      .where('company_code', '=', company)
      .executeTakeFirstOrThrow();
    const no = Number(row.top ?? 999) + 1;
    await db
      .insertInto('customer_master')
      .values({
        client,
        company_code: company,
        customer_no: no,
        name1: c.name,
        phone: c.phones[0] ?? null,
        email: c.emails[0] ?? null,
        deletion_flag: null,
        changed_epoch: Math.floor(c.updatedAt / 1000),
      })
      .execute();
    ids.push(erpId(company, no));
  }
  return ids;
}
