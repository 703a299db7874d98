import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { sha256Hex } from '../src/connectors/sql/mapped/credentials/stored-hashes';
import { decodeKey } from '../src/connectors/sql/mapped/row-key';
import { Kysely, sql } from 'kysely';
import { simulate } from '../src/simulator/simulator';
import { syncContacts } from './support/talkdesk';
import { startTestApp, TestApp } from './support/test-app';
import { TEST_DATABASE, TestDatabase } from './support/test-database';
import {
  createHelpdesk,
  HELPDESK_ORGS,
  insertRequesters,
  seedHelpdesk,
  timestampText,
} from './support/user-schemas/helpdesk';
import {
  CRM_TENANTS,
  createLegacyCrm,
  insertCrmCustomers,
  seedLegacyCrm,
} from './support/user-schemas/legacy-crm';
import {
  createErp,
  ERP_CLIENTS,
  ERP_KEY,
  erpId,
  insertErpCustomers,
  seedErp,
} from './support/user-schemas/erp';
import {
  createUserDatabase,
  textSeconds,
  UserDatabase,
} from './support/user-schemas/user-database';

/**
 * The whole bridge over databases it did not create, each read through its SQL manifest
 * (connectors/sql/), on TEST_DATABASE: Talkdesk's syncs, lookups and actions over HTTP, the
 * Talkdesk simulator, and hostile values in every request field.
 */

type Auth = Record<string, string>;
type Contact = { name: string; emails: string[]; phones: string[]; updatedAt: number };

interface Schema {
  label: string;
  manifest: string;
  precisionMs: number;
  create(db: Kysely<any>, kind: TestDatabase['kind']): Promise<void>;
  seed(db: Kysely<any>): Promise<void>;
  accounts: [Auth, Auth];
  /** Credentials with SQL in them, and other wrong ones. */
  hostileAuth: Auth[];
  /** Every live contact of an account, id → name, as the database holds them. */
  truth(db: Kysely<any>, account: 0 | 1): Promise<Map<string, string>>;
  insert(db: Kysely<any>, account: 0 | 1, contacts: Contact[]): Promise<string[]>;
  /** Changes a contact's name, stamped `at`. */
  rename(db: Kysely<any>, id: string, name: string, at: number): Promise<void>;
  /** An action on a contact, and the interaction type it adds. */
  action: { name: string; data: Record<string, string>; type: string };
  /** Rows of every table, to tell that nothing was dropped or changed. */
  tables: string[];
}

const q = (db: Kysely<any>, table: string) => db.selectFrom(table);

/** The two accounts of a schema whose users log in with a username and a password. */
const logins = (users: readonly { username: string; password: string }[]) =>
  users.map(({ username, password }) => ({ username, password })) as unknown as [Auth, Auth];

/**
 * Wrong logins with SQL in them, around an account's real `user`: in the username, in the
 * password, a statement dropping `table` after a quote, NUL characters.
 */
const sqlInLogins = (user: { username: string; password: string }, table: string): Auth[] => [
  { username: `${user.username}' OR '1'='1`, password: "' OR '1'='1" },
  { username: user.username, password: "x' OR 1=1 --" },
  { username: `${user.username}"; DROP TABLE ${table}; --`, password: user.password },
  { username: `${user.username}\u0000`, password: `${user.password}\u0000` },
];

/** The live requesters of an organization, id → name. */
async function helpdeskTruth(db: Kysely<any>, account: 0 | 1): Promise<Map<string, string>> {
  const rows = await q(db, 'requesters')
    .select(['id', 'display_name'])
    .where('org_id', '=', HELPDESK_ORGS[account].id)
    .where('deleted_at', 'is', null)
    .execute();
  return new Map(rows.map((r) => [String(r.id).toLowerCase(), String(r.display_name)]));
}

const SCHEMAS: Schema[] = [
  {
    label: 'legacy CRM',
    manifest: 'connectors/sql/legacy-crm.yaml',
    precisionMs: 1000,
    create: createLegacyCrm,
    seed: seedLegacyCrm,
    accounts: logins(CRM_TENANTS),
    hostileAuth: [
      ...sqlInLogins(CRM_TENANTS[0], '"CUSTOMERS"'),
      { username: "' UNION SELECT PASS_HASH, TENANT_ID FROM CRM_USERS --", password: 'x' },
    ],
    async truth(db, account) {
      const rows = await q(db, 'CUSTOMERS')
        .select(['CUST_ID', 'FIRST_NAME', 'LAST_NAME'])
        .where('TENANT_ID', '=', CRM_TENANTS[account].tenant)
        .where('IS_DELETED', '=', 0)
        .execute();
      return new Map(
        rows.map((r) => [String(r.CUST_ID), `${r.FIRST_NAME ?? ''} ${r.LAST_NAME ?? ''}`.trim()]),
      );
    },
    insert: (db, account, contacts) =>
      insertCrmCustomers(db, CRM_TENANTS[account].tenant, contacts),
    async rename(db, id, name, at) {
      await db
        .updateTable('CUSTOMERS')
        .set({
          FIRST_NAME: name.split(' ')[0],
          LAST_NAME: name.split(' ').slice(1).join(' '),
          LAST_CHANGED: textSeconds(at),
        })
        .where('CUST_ID', '=', Number(id))
        .execute();
    },
    action: { name: 'log_call', data: { subject: 'Called back', notes: 'All good' }, type: 'call' },
    tables: ['CRM_USERS', 'CUSTOMERS', 'STAFF', 'ACTIVITIES'],
  },
  {
    label: 'help desk',
    manifest: 'connectors/sql/helpdesk.yaml',
    precisionMs: 1,
    create: createHelpdesk,
    seed: seedHelpdesk,
    accounts: HELPDESK_ORGS.map((o) => ({ api_key: o.apiKey })) as unknown as [Auth, Auth],
    hostileAuth: [
      { api_key: "' OR '1'='1" },
      { api_key: "hd-initech-7f3a' --" },
      { api_key: '"; DROP TABLE api_keys; --' },
      { api_key: 'hd-initech-7f3a\u0000' },
    ],
    truth: (db, account) => helpdeskTruth(db, account),
    insert: (db, account, contacts) => insertRequesters(db, HELPDESK_ORGS[account].id, contacts),
    async rename(db, id, name, at) {
      await db
        .updateTable('requesters')
        .set({ display_name: name, updated_at: timestampText(at) })
        .where('id', '=', id)
        .execute();
    },
    action: { name: 'create_ticket', data: { subject: 'Called back' }, type: 'ticket' },
    tables: ['organizations', 'api_keys', 'requesters', 'agents', 'tickets', 'ticket_comments'],
  },
  {
    label: 'ERP with a composite key',
    manifest: 'connectors/sql/erp.yaml',
    precisionMs: 1000,
    create: createErp,
    seed: seedErp,
    accounts: logins(ERP_CLIENTS),
    hostileAuth: sqlInLogins(ERP_CLIENTS[0], 'customer_master'),
    async truth(db, account) {
      const rows = await q(db, 'customer_master')
        .select(['company_code', 'customer_no', 'name1'])
        .where('client', '=', ERP_CLIENTS[account].client)
        .where((eb) => eb.or([eb('deletion_flag', '<>', 'X'), eb('deletion_flag', 'is', null)]))
        .execute();
      return new Map(rows.map((r) => [erpIdOf(r.company_code, r.customer_no), String(r.name1)]));
    },
    insert: (db, account, contacts) => insertErpCustomers(db, account, contacts),
    async rename(db, id, name, at) {
      const [company, no] = decodeKey(ERP_KEY, id)!;
      await db
        .updateTable('customer_master')
        .set({ name1: name, changed_epoch: Math.floor(at / 1000) })
        .where('company_code', '=', company)
        .where('customer_no', '=', no)
        .execute();
    },
    action: { name: 'log_call', data: { subject: 'Called back', notes: 'All good' }, type: 'call' },
    tables: ['erp_users', 'customer_master', 'erp_staff', 'erp_call_log'],
  },
];

const erpIdOf = (company: unknown, no: unknown) => erpId(String(company), Number(no));

const ids = (run: { contacts: { id: string }[] }) => run.contacts.map((c) => c.id);

/** Waits until the precision step holding `ms` has ended, so that a sync's bound includes it. */
async function afterStep(ms: number, precisionMs: number): Promise<void> {
  const wait = Math.floor(ms / precisionMs) * precisionMs + precisionMs - Date.now();
  if (wait > -5) await sleep(wait + 5);
}

async function counts(db: Kysely<any>, tables: string[]): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const table of tables) {
    const row = await db
      .selectFrom(table)
      .select(sql<number>`count(*)`.as('n'))
      .executeTakeFirstOrThrow();
    out[table] = Number(row.n);
  }
  return out;
}

describe.each(SCHEMAS)(
  `SQL manifest over a database of its own: $label (${TEST_DATABASE})`,
  (schema) => {
    let user: UserDatabase;
    let t: TestApp;
    const [first, second] = schema.accounts;

    beforeAll(async () => {
      user = await createUserDatabase();
      await schema.create(user.db, user.database.kind);
      await schema.seed(user.db);
      t = await startTestApp({
        connector: 'sql',
        connectorManifest: schema.manifest,
        databaseUrl: user.url,
        // Pages smaller than the groups of contacts sharing one update time.
        contactsPageSize: 5,
        incrementalLookbackSeconds: 30,
        // The back-off after rejected credentials has its own spec: here they are sent on purpose.
        authFailureLimit: 10_000,
      });
    }, 120_000);
    afterAll(async () => {
      await t?.close();
      await user?.close();
    });

    it('a full sync sends every live contact of the account exactly once, with its name, and none of the other account', async () => {
      const truth = await schema.truth(user.db, 0);
      const run = await syncContacts(t, first, undefined, { maxPages: 1000 });
      expect(new Set(ids(run)).size).toBe(run.contacts.length);
      expect(new Map(run.contacts.map((c) => [c.id, c.name]))).toEqual(truth);
      const theirs = await syncContacts(t, second, undefined, { maxPages: 1000 });
      expect(ids(theirs).filter((id) => truth.has(id))).toEqual([]);
      expect(new Set(ids(theirs))).toEqual(new Set((await schema.truth(user.db, 1)).keys()));
    });

    it('incremental syncs send every change once, ties across pages included, and a write that commits late', async () => {
      const full = await syncContacts(t, first, undefined, { maxPages: 1000 });
      const someIds = ids(full).slice(3, 5);
      const now = Date.now();
      for (const id of someIds) await schema.rename(user.db, id, `Renamed ${id.slice(0, 8)}`, now);
      // A group sharing one update time, larger than a page.
      const added = await schema.insert(
        user.db,
        0,
        Array.from({ length: 7 }, (_, i) => ({
          name: `Added ${i}`,
          emails: [],
          phones: [],
          updatedAt: now,
        })),
      );
      await afterStep(now, schema.precisionMs);
      const inc = await syncContacts(t, first, full.checkpoint);
      const sent = new Map(inc.contacts.map((c) => [c.id, c.name]));
      expect(new Set(ids(inc)).size).toBe(inc.contacts.length);
      for (const id of someIds) expect(sent.get(id)).toBe(`Renamed ${id.slice(0, 8)}`);
      for (const id of added) expect(sent.has(id)).toBe(true);
      const truth = await schema.truth(user.db, 0);
      for (const [id, name] of sent) expect(truth.get(id)).toBe(name);

      // Stamped 10 s before the newest change, committed only after the sync that read past it.
      const [late] = await schema.insert(user.db, 0, [
        { name: 'Late writer', emails: [], phones: [], updatedAt: now - 10_000 },
      ]);
      const next = await syncContacts(t, first, inc.checkpoint);
      expect(ids(next)).toContain(late);
      expect(new Set(ids(next)).size).toBe(next.contacts.length);
    });

    it('the Talkdesk simulator finds no contract violation, action included', async () => {
      await t.app.listen({ port: 0, host: '127.0.0.1' });
      const url = await t.app.getUrl();
      const [contact] = (await syncContacts(t, first, undefined, { maxPages: 1000 })).contacts;
      const report = await simulate({
        url,
        auth: first,
        interactionSamples: 6,
        action: {
          name: schema.action.name,
          data: schema.action.data,
          meta: { contact_external_id: contact.id },
        },
      });
      expect(report.violations).toEqual([]);
      expect(report.passed).toBe(true);
      const truth = await schema.truth(user.db, 0);
      expect(report.phases.find((p) => p.phase === 'contacts (full)')?.records).toBe(truth.size);
    }, 120_000);

    it('an action writes in the account’s own rows and its interaction is retrieved', async () => {
      const [contact] = (await syncContacts(t, first, undefined, { maxPages: 1000 })).contacts;
      const res = await t.post(`/actions/${schema.action.name}`, {
        auth: first,
        data: schema.action.data,
        meta: { contact_external_id: contact.id },
      });
      expect(res.status).toBe(201);
      const found = await t.post('/interactions/retrieve', {
        auth: first,
        meta: { interaction_types: [schema.action.type] },
        data: { contact_external_id: contact.id },
      });
      expect(found.status).toBe(200);
      expect(found.body.map((i: { subject: string }) => i.subject)).toContain(
        schema.action.data.subject,
      );
      // The other account cannot act on it, nor see it.
      const theirs = await t.post(`/actions/${schema.action.name}`, {
        auth: second,
        data: schema.action.data,
        meta: { contact_external_id: contact.id },
      });
      expect(theirs.status).toBe(400);
      expect(theirs.body.code).toBe('action_rejected');
    });

    it('bad credentials are answered 401 credentials_rejected, SQL in them included, and change nothing', async () => {
      const before = await counts(user.db, schema.tables);
      for (const auth of [...schema.hostileAuth, { ...first, [Object.keys(first)[0]]: 'wrong' }]) {
        for (const path of ['/auth/validate', '/contacts/sync']) {
          const res = await t.post(path, { auth });
          expect({ auth, status: res.status, code: res.body.code }).toEqual({
            auth,
            status: 401,
            code: 'credentials_rejected',
          });
        }
      }
      expect(await counts(user.db, schema.tables)).toEqual(before);
    });

    it('SQL in every other request field is data, never SQL: answered as a value, and nothing changes', async () => {
      const hostile = [
        '1 OR 1=1',
        "' OR ''='",
        '1; DROP TABLE CUSTOMERS; --',
        '"; DROP TABLE requesters; --',
        "x') UNION SELECT * FROM api_keys --",
        '%',
        '\u0000',
      ];
      const before = await counts(
        user.db,
        schema.tables.filter((n) => !/ACTIVITIES|tickets|call_log/.test(n)),
      );
      for (const value of hostile) {
        const lookup = await t.post('/interactions/retrieve', {
          auth: first,
          data: {
            contact_external_id: value,
            contact_emails: [value],
            contact_phones: [value],
            contact_name: value,
          },
        });
        expect({ value, status: lookup.status, body: lookup.body }).toEqual({
          value,
          status: 200,
          body: [],
        });
        expect(lookup.body).toEqual([]);
        const action = await t.post(`/actions/${schema.action.name}`, {
          auth: first,
          data: { ...schema.action.data },
          meta: { contact_external_id: value },
        });
        expect({ value, status: action.status, code: action.body.code }).toEqual({
          value,
          status: 400,
          code: 'action_rejected',
        });
        for (const meta of [
          { offset: value },
          { synchronization_checkpoint: value },
          { context: value },
        ]) {
          const res = await t.post('/contacts/sync', { auth: first, meta });
          expect([200, 400]).toContain(res.status);
        }
        const agents = await t.post('/agents/sync', { auth: first, meta: { offset: value } });
        expect(agents.status).toBe(400);
      }
      // An action's inputs are stored as the text they are.
      const [contact] = (await syncContacts(t, first, undefined, { maxPages: 1000 })).contacts;
      const subject = "Robert'); DROP TABLE STAFF; --";
      const res = await t.post(`/actions/${schema.action.name}`, {
        auth: first,
        data: { ...schema.action.data, subject },
        meta: { contact_external_id: contact.id },
      });
      expect(res.status).toBe(201);
      const found = await t.post('/interactions/retrieve', {
        auth: first,
        meta: { interaction_types: [schema.action.type] },
        data: { contact_external_id: contact.id },
      });
      expect(found.body.map((i: { subject: string }) => i.subject)).toContain(subject);
      expect(
        await counts(
          user.db,
          schema.tables.filter((n) => !/ACTIVITIES|tickets|call_log/.test(n)),
        ),
      ).toEqual(before);
    });
  },
);

describe(`SQL manifest with static tokens, single tenant (${TEST_DATABASE})`, () => {
  let user: UserDatabase;
  let t: TestApp;
  const dir = mkdtempSync(join(tmpdir(), 'sql-static-'));
  const token = 'single-tenant-token-5d1e';

  beforeAll(async () => {
    user = await createUserDatabase();
    await createHelpdesk(user.db, user.database.kind);
    await seedHelpdesk(user.db);
    // Only the token's SHA-256 is kept, in a file as a mounted secret would be.
    const hashes = join(dir, 'token-hashes');
    writeFileSync(hashes, `# the help desk's integration token\n${sha256Hex(token)}\n`);
    const manifest = join(dir, 'single-tenant.yaml');
    writeFileSync(
      manifest,
      [
        'version: 1',
        'name: single-tenant',
        'credentials: { type: static_tokens, field: api_token, hashes_file: ' +
          JSON.stringify(hashes) +
          ' }',
        'contacts:',
        '  table: requesters',
        '  id: { column: id, type: uuid }',
        '  updated_at: { column: updated_at, type: timestamp }',
        '  where: [{ column: deleted_at, is_null: true }]',
        '  fields: { name: display_name, emails: email, phones: phone }',
      ].join('\n'),
    );
    t = await startTestApp({
      connector: 'sql',
      connectorManifest: manifest,
      databaseUrl: user.url,
      contactsPageSize: 50,
      authFailureLimit: 10_000,
    });
  }, 120_000);
  afterAll(async () => {
    await t?.close();
    await user?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('the token sees every live row, and Talkdesk is told to ask for it', async () => {
    const run = await syncContacts(t, { api_token: token }, undefined, { maxPages: 1000 });
    const truth = new Set([
      ...(await helpdeskTruth(user.db, 0)).keys(),
      ...(await helpdeskTruth(user.db, 1)).keys(),
    ]);
    expect(new Set(ids(run))).toEqual(truth);
    expect(run.contacts).toHaveLength(truth.size);
    const configuration = await t.get('/integration/configuration');
    expect(JSON.stringify(configuration.body)).toContain('"api_token"');
  });

  it('any other token, its hash included, is answered 401', async () => {
    for (const api_token of ['other', sha256Hex(token), `${token} `, "' OR 1=1 --"]) {
      const res = await t.post('/auth/validate', { auth: { api_token } });
      expect({ api_token, status: res.status }).toEqual({ api_token, status: 401 });
    }
    expect((await t.post('/auth/validate', { auth: { api_token: token } })).status).toBe(204);
  });
});
