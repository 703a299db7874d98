import { join } from 'node:path';
import { TestingModule } from '@nestjs/testing';
import { loadConfig } from '../src/config/app-config';
import { toTalkdeskAgent } from '../src/agents/agent-normalizer';
import { toTalkdeskContact } from '../src/contacts/contact-normalizer';
import { toTalkdeskInteraction } from '../src/interactions/interaction-normalizer';
import { Database, openDatabase, SQLITE_FILE_NAME } from '../src/connectors/sql/database';
import { DEMO_ACCOUNTS } from '../src/connectors/sql/demo-seed';
import { AccountRef, CallOptions, ContactRecord } from '../src/connectors/ports';
import { phoneForms } from '../src/connectors/lookup/phone-forms';
import { PortSet, portsOf, startConnectorModule } from './support/ports';
import { createTestDatabase, TEST_DATABASE, TestDatabase } from './support/test-database';

/**
 * connectors/sql/bridge-demo.yaml describes the bridge's own demo tables: read through it, the
 * demo database gives the very records the built-in SQL adapter gives (JSON text columns,
 * custom fields from one column, scrypt hashes, tenants, lookups through contact_channels) and
 * its actions write the very rows the built-in actions write.
 */
describe(`the bridge's demo tables through an SQL manifest (${TEST_DATABASE})`, () => {
  let database: TestDatabase;
  let builtIn: TestingModule;
  let mapped: TestingModule;
  let demo: PortSet;
  let manifest: PortSet;
  let db: Database;
  const options = (): CallOptions => ({ signal: AbortSignal.timeout(30_000) });

  beforeAll(async () => {
    database = await createTestDatabase();
    const common = { dataDir: database.dataDir, logLevel: 'silent' as const };
    builtIn = await startConnectorModule(loadConfig({}, { ...common, databaseUrl: database.url }));
    demo = portsOf(builtIn);
    mapped = await startConnectorModule(
      loadConfig(
        {},
        {
          ...common,
          connectorManifest: 'connectors/sql/bridge-demo.yaml',
          databaseUrl: database.url ?? `sqlite:${join(database.dataDir, SQLITE_FILE_NAME)}`,
        },
      ),
    );
    manifest = portsOf(mapped);
    db = openDatabase(database.url, database.dataDir);
  }, 120_000);
  afterAll(async () => {
    await db?.destroy();
    await mapped?.close();
    await builtIn?.close();
    await database?.drop();
  });

  async function accountOf(ports: PortSet, index: number): Promise<AccountRef> {
    const { username, password } = DEMO_ACCOUNTS[index];
    const result = await ports.credentials.authenticate({ username, password }, options());
    if (!result) throw new Error('demo credentials refused');
    return result.account;
  }

  async function everyContact(ports: PortSet, account: AccountRef): Promise<ContactRecord[]> {
    const out: ContactRecord[] = [];
    let after: { updatedAt: number; id: string } | undefined;
    for (;;) {
      const batch = await ports.contacts.listContacts(
        account,
        { changedUntil: Date.now(), limit: 250, ...(after && { after }) },
        options(),
      );
      out.push(...batch.records);
      if (!batch.hasMore) return out;
      const last = batch.records[batch.records.length - 1];
      after = { updatedAt: last.updatedAt, id: last.id };
    }
  }

  it('accepts the demo credentials, and not a wrong password', async () => {
    await accountOf(manifest, 0);
    const { username } = DEMO_ACCOUNTS[0];
    expect(
      await manifest.credentials.authenticate({ username, password: 'nope' }, options()),
    ).toBeNull();
  });

  it.each([0, 1])(
    'lists account %i’s contacts in the same order, and Talkdesk receives exactly the same contacts',
    async (index) => {
      const expected = await everyContact(demo, await accountOf(demo, index));
      const actual = await everyContact(manifest, await accountOf(manifest, index));
      expect(actual.length).toBe(1500);
      expect(actual.map(({ id, updatedAt }) => ({ id, updatedAt }))).toEqual(
        expected.map(({ id, updatedAt }) => ({ id, updatedAt })),
      );
      const talkdesk = (records: ContactRecord[]) =>
        JSON.stringify(records.map((r) => toTalkdeskContact(r, 'US')));
      expect(talkdesk(actual)).toBe(talkdesk(expected));
    },
  );

  it('lists the same agents and, by contact id, the same interactions', async () => {
    const [a, b] = [await accountOf(demo, 0), await accountOf(manifest, 0)];
    const users = await demo.agents.listUsers(a, null, 100, options());
    const mine = await manifest.agents.listUsers(b, null, 100, options());
    expect(mine.records.map((u) => toTalkdeskAgent(u))).toEqual(
      users.records.map((u) => toTalkdeskAgent(u)),
    );
    const contacts = (await everyContact(demo, a)).slice(0, 60);
    for (const contact of contacts) {
      for (const types of [['ticket', 'note', 'call'], ['note']]) {
        const query = { types, limit: 50 };
        const lookup = { contactId: contact.id, emails: [], phones: [] };
        const expected = await demo.interactions.findInteractions(a, lookup, query, options());
        const actual = await manifest.interactions.findInteractions(b, lookup, query, options());
        expect(actual?.map((i) => toTalkdeskInteraction(i))).toEqual(
          expected?.map((i) => toTalkdeskInteraction(i)),
        );
      }
    }
  });

  it('describes itself to Talkdesk as the built-in adapter does', () => {
    expect(manifest.connector.authenticationFields).toEqual(demo.connector.authenticationFields);
    expect(manifest.connector.capabilities).toEqual(demo.connector.capabilities);
    expect(manifest.actions.definitions).toEqual(demo.actions.definitions);
  });

  it('pages agents with the same positions', async () => {
    for (const index of [0, 1]) {
      const [a, b] = [await accountOf(demo, index), await accountOf(manifest, index)];
      let [p, q]: (number | null)[] = [null, null];
      do {
        const expected = await demo.agents.listUsers(a, p, 7, options());
        const actual = await manifest.agents.listUsers(b, q, 7, options());
        expect(actual.records.map((u) => toTalkdeskAgent(u))).toEqual(
          expected.records.map((u) => toTalkdeskAgent(u)),
        );
        expect(actual.next).toBe(expected.next);
        [p, q] = [expected.next, actual.next];
      } while (p !== null);
    }
  });

  it.each([0, 1])(
    'finds account %i’s contacts by every email and phone they hold, as written, as the built-in adapter does',
    async (index) => {
      const [a, b] = [await accountOf(demo, index), await accountOf(manifest, index)];
      // The first contacts carry the interactions; a contact found without any answers [].
      const contacts = (await everyContact(demo, a)).slice(0, 250);
      const query = { types: ['ticket', 'note', 'call'], limit: 50 };
      let found = 0;
      const texts = (list: unknown) =>
        (Array.isArray(list) ? list : []).filter((v): v is string => typeof v === 'string');
      const lookups = contacts.flatMap((c) => [
        ...texts(c.emails).flatMap((email) => [
          { emails: [email], phones: [] },
          { emails: [email.toUpperCase()], phones: [] },
        ]),
        ...texts(c.phones).map((phone) => ({ emails: [], phones: [phone] })),
      ]);
      let unread = 0;
      for (const lookup of [...lookups, { emails: ['nobody@example.org'], phones: ['+1 999'] }]) {
        const actual = await manifest.interactions.findInteractions(b, lookup, query, options());
        // A number that cannot be read and has fewer digits than a phone (`ext 525`) is looked
        // for only as written: the built-in adapter looked its digits up, finding a stranger's.
        const [phone] = lookup.phones;
        if (phone && phoneForms(phone, 'US', ['e164', 'digits']).length === 0 && !actual) {
          unread++;
          continue;
        }
        const expected = await demo.interactions.findInteractions(a, lookup, query, options());
        expect({ lookup, found: actual?.map((i) => toTalkdeskInteraction(i)) }).toEqual({
          lookup,
          found: expected?.map((i) => toTalkdeskInteraction(i)),
        });
        if (expected && expected.length > 0) found++;
      }
      expect(found).toBeGreaterThan(50);
      expect(unread).toBeLessThan(lookups.length / 20);
    },
    120_000,
  );

  describe('actions', () => {
    /** A contact and an agent of account 0 (and an agent of account 1, unknown to account 0). */
    let contactId: string;
    let agentId: string;
    let strangerId: string;
    let a: AccountRef;
    let b: AccountRef;
    beforeAll(async () => {
      [a, b] = [await accountOf(demo, 0), await accountOf(manifest, 0)];
      contactId = (await everyContact(demo, a))[3].id;
      agentId = String((await demo.agents.listUsers(a, null, 1, options())).records[0].id);
      const other = await accountOf(demo, 1);
      strangerId = String((await demo.agents.listUsers(other, null, 1, options())).records[0].id);
    });

    const interaction = async (id: string) => {
      const row = await db
        .selectFrom('interactions')
        .selectAll()
        .where('id', '=', Number(id))
        .executeTakeFirstOrThrow();
      expect(Math.abs(Date.now() - Number(row.occurred_at))).toBeLessThan(60_000);
      return {
        ...row,
        id: undefined,
        occurred_at: undefined,
        account_id: Number(row.account_id),
        contact_id: Number(row.contact_id),
        agent_id: row.agent_id === null ? null : Number(row.agent_id),
      };
    };

    it.each([
      [
        'create_ticket',
        { subject: '  Missed call ', description: ' From Jane ', priority: ' high' },
      ],
      ['create_ticket', { subject: 'No extras', description: null, priority: '   ' }],
      ['log_call', { subject: 'Inbound', description: 'Asked about the invoice', duration: 42 }],
      ['log_call', { subject: 'Short', duration: '7' }],
      ['log_call', { subject: 'Notes only', description: '  just notes  ' }],
    ])('%s %j writes the row the built-in action writes', async (name, data) => {
      for (const agent of [agentId, strangerId, undefined]) {
        const request = { data, contactExternalId: contactId, agentExternalId: agent };
        const expected = await demo.actions.run(a, name, request, options());
        const actual = await manifest.actions.run(b, name, request, options());
        const words = (m?: string) => m?.replace(/\d+/g, '#');
        expect(words(actual.message)).toBe(words(expected.message));
        expect(Object.keys(actual).sort()).toEqual(Object.keys(expected).sort());
        expect(await interaction(actual.externalId!)).toEqual(
          await interaction(expected.externalId!),
        );
      }
    });

    it('refuses what the built-in actions refuse, each naming what is wrong', async () => {
      const cases: [string, { data: Record<string, unknown>; contactExternalId?: string }][] = [
        ['log_call', { data: { subject: 'x', duration: 'forty' }, contactExternalId: contactId }],
        ['log_call', { data: { subject: 'x', duration: '4.5' }, contactExternalId: contactId }],
        ['create_ticket', { data: { subject: 'x' } }],
        ['create_ticket', { data: { subject: 'x' }, contactExternalId: '99999999' }],
        ['create_ticket', { data: { subject: 'x' }, contactExternalId: 'abc' }],
      ];
      for (const [name, request] of cases) {
        const expected = await demo.actions.run(a, name, request, options()).catch((e) => e);
        const actual = await manifest.actions.run(b, name, request, options()).catch((e) => e);
        expect(expected).toBeInstanceOf(Error);
        expect(actual.constructor).toBe(expected.constructor);
        for (const word of ['duration', 'meta.contact_external_id', '99999999', 'abc']) {
          if ((expected as Error).message.includes(word)) {
            expect((actual as Error).message).toContain(word);
          }
        }
      }
      // Another account's contact is not found.
      const other = await accountOf(manifest, 1);
      await expect(
        manifest.actions.run(
          other,
          'create_ticket',
          { data: { subject: 'x' }, contactExternalId: contactId },
          options(),
        ),
      ).rejects.toThrow(contactId);
    });

    it('create_contact writes the contact and its lookup rows the built-in action writes', async () => {
      const channels = async (id: string) =>
        (
          await db
            .selectFrom('contact_channels')
            .select(['account_id', 'kind', 'value'])
            .where('contact_id', '=', Number(id))
            .orderBy('kind')
            .orderBy('value')
            .execute()
        ).map((r) => ({ ...r, account_id: Number(r.account_id) }));
      const contact = async (id: string) => {
        const row = await db
          .selectFrom('contacts')
          .selectAll()
          .where('id', '=', Number(id))
          .executeTakeFirstOrThrow();
        expect(Math.abs(Date.now() - Number(row.updated_at))).toBeLessThan(60_000);
        return { ...row, id: undefined, updated_at: undefined, account_id: Number(row.account_id) };
      };
      for (const data of [
        { name: ' Jane Roe ', email: ' Jane.Roe@Example.com ', phone: '(212) 555-0199' },
        { name: 'Only Name', company: ' Acme ', title: '' },
        { name: 'Odd Phone', phone: 'ext. 12' },
        { name: 'Foreign', phone: '+44 20 7946 0958', email: '' },
      ]) {
        const expected = await demo.actions.run(a, 'create_contact', { data }, options());
        const actual = await manifest.actions.run(b, 'create_contact', { data }, options());
        const words = (m?: string) => m?.replace(/\d+/g, '#');
        expect(words(actual.message)).toBe(words(expected.message));
        expect(actual.contactExternalType).toBe(expected.contactExternalType);
        expect(actual.contactExternalUrl).toBe(
          expected.contactExternalUrl!.replace(
            `/${expected.contactExternalId}`,
            `/${actual.contactExternalId}`,
          ),
        );
        expect(Object.keys(actual).sort()).toEqual(Object.keys(expected).sort());
        expect(await contact(actual.contactExternalId!)).toEqual(
          await contact(expected.contactExternalId!),
        );
        expect(await channels(actual.contactExternalId!)).toEqual(
          await channels(expected.contactExternalId!),
        );
      }
    });
  });
});
