import { createHash, randomUUID } from 'node:crypto';
import { Kysely } from 'kysely';
import { seededRandom } from '../../../src/common/seeded-random';
import { TestDatabase } from '../test-database';
import { pad, serialKey } from './user-database';

/**
 * A help desk's own schema (connectors/sql/helpdesk.yaml reads it): organizations and their API
 * keys kept as SHA-256, requesters with uuid ids and millisecond timestamps, agents, tickets and
 * the comments on them.
 */
export const HELPDESK_ORGS = [
  { id: 10, name: 'Initech', apiKey: 'hd-initech-7f3a' },
  { id: 20, name: 'Umbrella', apiKey: 'hd-umbrella-91c2' },
] as const;

export const HELPDESK_REVOKED_KEY = 'hd-initech-revoked';
export const HELPDESK_REQUESTERS_PER_ORG = 300;
const BASE = Date.UTC(2024, 2, 1, 9);

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/** A millisecond timestamp as each dialect's column takes it (text on SQLite). */
export const timestampText = (ms: number) =>
  new Date(ms).toISOString().replace('T', ' ').replace('Z', '');

export async function createHelpdesk(db: Kysely<any>, kind: TestDatabase['kind']): Promise<void> {
  const key = serialKey(kind);
  const auto = (c: any) => (kind === 'postgres' ? c.primaryKey() : c.primaryKey().autoIncrement());
  const ts = kind === 'postgres' ? 'timestamp(3)' : kind === 'mariadb' ? 'datetime(3)' : 'text';
  const tsz = kind === 'postgres' ? 'timestamptz(3)' : ts;
  const uuid = kind === 'postgres' ? 'uuid' : 'char(36)';
  await db.schema
    .createTable('organizations')
    .addColumn('id', 'integer', (c) => c.primaryKey())
    .addColumn('name', 'varchar(100)', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('api_keys')
    .addColumn('key_sha256', 'char(64)', (c) => c.primaryKey())
    .addColumn('org_id', 'integer', (c) => c.notNull())
    .addColumn('revoked_at', ts as any)
    .execute();
  await db.schema
    .createTable('requesters')
    .addColumn('id', uuid as any, (c) => c.primaryKey())
    .addColumn('org_id', 'integer', (c) => c.notNull())
    .addColumn('display_name', 'varchar(120)')
    .addColumn('email', 'varchar(160)')
    .addColumn('phone', 'varchar(40)')
    .addColumn('tier', 'varchar(10)')
    .addColumn('updated_at', ts as any, (c) => c.notNull())
    .addColumn('deleted_at', ts as any)
    .execute();
  await db.schema
    .createIndex('requesters_sync')
    .on('requesters')
    .columns(['org_id', 'updated_at', 'id'])
    .execute();
  await db.schema.createIndex('requesters_email').on('requesters').column('email').execute();
  await db.schema.createIndex('requesters_phone').on('requesters').column('phone').execute();
  await db.schema
    .createTable('agents')
    .addColumn('id', key, auto)
    .addColumn('org_id', 'integer', (c) => c.notNull())
    .addColumn('name', 'varchar(120)')
    .addColumn('email', 'varchar(160)')
    .execute();
  await db.schema
    .createTable('tickets')
    .addColumn('id', key, auto)
    .addColumn('org_id', 'integer', (c) => c.notNull())
    .addColumn('requester_id', uuid as any, (c) => c.notNull())
    .addColumn('subject', 'varchar(200)')
    .addColumn('description', 'text')
    .addColumn('priority', 'varchar(4)')
    .addColumn('status', 'varchar(10)')
    .addColumn('created_at', tsz as any, (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('tickets_requester')
    .on('tickets')
    .columns(['org_id', 'requester_id', 'created_at'])
    .execute();
  await db.schema
    .createTable('ticket_comments')
    .addColumn('id', key, auto)
    .addColumn('ticket_id', 'integer', (c) => c.notNull())
    .addColumn('body', 'text')
    .addColumn('created_at', tsz as any, (c) => c.notNull())
    .execute();
}

export async function seedHelpdesk(db: Kysely<any>): Promise<void> {
  const random = seededRandom(2024);
  await db
    .insertInto('organizations')
    .values(HELPDESK_ORGS.map(({ id, name }) => ({ id, name })))
    .execute();
  await db
    .insertInto('api_keys')
    .values([
      ...HELPDESK_ORGS.map((o) => ({
        key_sha256: sha256(o.apiKey),
        org_id: o.id,
        revoked_at: null,
      })),
      { key_sha256: sha256(HELPDESK_REVOKED_KEY), org_id: 10, revoked_at: timestampText(BASE) },
    ])
    .execute();
  const requesters: Record<string, unknown>[] = [];
  for (let i = 0; i < HELPDESK_REQUESTERS_PER_ORG; i++) {
    for (const [o, org] of HELPDESK_ORGS.entries()) {
      const n = i * 2 + o;
      requesters.push({
        id: randomUUID(),
        org_id: org.id,
        display_name: `Requester ${n}`,
        email: `requester${n}@${org.name.toLowerCase()}.example`,
        phone: random() < 0.8 ? `+44 20 7946 ${pad(n, 4)}` : null,
        tier: ['gold', 'silver', null][n % 3],
        // Groups of seven share one millisecond.
        updated_at: timestampText(BASE + Math.floor(i / 7) * 1234),
        deleted_at: n % 19 === 3 ? timestampText(BASE) : null,
      });
    }
  }
  for (let i = 0; i < requesters.length; i += 100) {
    await db
      .insertInto('requesters')
      .values(requesters.slice(i, i + 100))
      .execute();
  }
  await db
    .insertInto('agents')
    .values(
      HELPDESK_ORGS.flatMap((org) =>
        Array.from({ length: 9 }, (_, i) => ({
          org_id: org.id,
          name: `Agent ${org.name} ${i}`,
          email: `agent${i}@${org.name.toLowerCase()}.example`,
        })),
      ),
    )
    .execute();
  const live = requesters.filter((r) => r.deleted_at === null).slice(0, 200);
  for (const [index, r] of live.entries()) {
    for (let k = 0; k < index % 3; k++) {
      const created = BASE + index * 600_000 + k * 1000;
      const ticket = await db
        .insertInto('tickets')
        .values({
          org_id: r.org_id,
          requester_id: r.id,
          subject: `Ticket ${k} of ${String(r.display_name)}`,
          description: 'The printer is on fire',
          priority: ['p1', 'p2', 'p3', 'p4'][k % 4],
          status: ['new', 'open', 'waiting', 'done'][index % 4],
          created_at: timestampText(created),
        })
        .executeTakeFirst();
      let ticketId = ticket.insertId;
      if (ticketId === undefined) {
        const row = await db
          .selectFrom('tickets')
          .select('id')
          .where('requester_id', '=', r.id)
          .orderBy('id', 'desc')
          .executeTakeFirstOrThrow();
        ticketId = BigInt(row.id);
      }
      await db
        .insertInto('ticket_comments')
        .values({
          ticket_id: Number(ticketId),
          body: 'Turned it off and on',
          created_at: timestampText(created + 500),
        })
        .execute();
    }
  }
}

/** Writes requesters with the given update times into an organization; answers their ids. */
export async function insertRequesters(
  db: Kysely<any>,
  orgId: number,
  contacts: { name: string; emails: string[]; phones: string[]; updatedAt: number }[],
): Promise<string[]> {
  const rows = contacts.map((c) => ({
    id: randomUUID(),
    org_id: orgId,
    display_name: c.name,
    email: c.emails[0] ?? null,
    phone: c.phones[0] ?? null,
    updated_at: timestampText(c.updatedAt),
  }));
  if (rows.length > 0) await db.insertInto('requesters').values(rows).execute();
  return rows.map((r) => r.id);
}
