import { TestingModule } from '@nestjs/testing';
import { loadConfig } from '../src/config/app-config';
import { toTalkdeskAgent } from '../src/agents/agent-normalizer';
import { toTalkdeskContact } from '../src/contacts/contact-normalizer';
import { AccountRef, CallOptions, ContactRecord, UserRecord } from '../src/connectors/ports';
import { phoneForms } from '../src/connectors/lookup/phone-forms';
import { Database, openDatabase } from '../src/connectors/sql/database';
import { DEMO_ACCOUNTS } from '../src/connectors/sql/demo-seed';
import { phoneLookupKey } from '../src/talkdesk/contract/phone';
import { PortSet, portsOf, startConnectorModule } from './support/ports';
import { createTestDatabase, TEST_DATABASE, TestDatabase } from './support/test-database';

/**
 * The demo: CONNECTOR=sql without a manifest serves the bundled demo database through
 * connectors/sql/bridge-demo.yaml. What it answers is checked against the demo database itself,
 * read here on a connection of the test's own: the contacts as the demo has always mapped its
 * rows, agents paged by their ids, contacts found through the lookup table (contact_channels),
 * and the rows the demo's actions write.
 */
describe(`the demo through its SQL manifest (${TEST_DATABASE})`, () => {
  let database: TestDatabase;
  let moduleRef: TestingModule;
  let demo: PortSet;
  let db: Database;
  const recordUrlBase = 'https://records.example.org/crm';
  const options = (): CallOptions => ({ signal: AbortSignal.timeout(30_000) });

  beforeAll(async () => {
    database = await createTestDatabase();
    moduleRef = await startConnectorModule(
      loadConfig(
        {},
        { dataDir: database.dataDir, databaseUrl: database.url, logLevel: 'silent', recordUrlBase },
      ),
    );
    demo = portsOf(moduleRef);
    db = openDatabase(database.url, database.dataDir);
  }, 120_000);
  afterAll(async () => {
    await db?.destroy();
    await moduleRef?.close();
    await database?.drop();
  });

  const accountIdOf = async (index: number) =>
    Number(
      (
        await db
          .selectFrom('accounts')
          .select('id')
          .where('username', '=', DEMO_ACCOUNTS[index].username)
          .executeTakeFirstOrThrow()
      ).id,
    );

  async function accountOf(index: number): Promise<AccountRef> {
    const { username, password } = DEMO_ACCOUNTS[index];
    const result = await demo.credentials.authenticate({ username, password }, options());
    if (!result) throw new Error('demo credentials refused');
    return result.account;
  }

  async function everyContact(account: AccountRef): Promise<ContactRecord[]> {
    const out: ContactRecord[] = [];
    let after: { updatedAt: number; id: string } | undefined;
    for (;;) {
      const batch = await demo.contacts.listContacts(
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

  const json = (text: string): unknown[] => {
    const value: unknown = JSON.parse(text);
    return Array.isArray(value) ? value : [];
  };

  it('accepts the demo credentials, and not a wrong password or an unknown user', async () => {
    await accountOf(0);
    const { username, password } = DEMO_ACCOUNTS[0];
    for (const auth of [
      { username, password: 'nope' },
      { username: 'nobody@example.com', password },
      { username: ` ${username.toUpperCase()} `, password: DEMO_ACCOUNTS[1].password },
    ]) {
      expect(await demo.credentials.authenticate(auth, options())).toBeNull();
    }
    expect(
      await demo.credentials.authenticate(
        { username: ` ${username.toUpperCase()} `, password },
        options(),
      ),
    ).not.toBeNull();
  });

  it.each([0, 1])(
    'lists account %i’s contacts in keyset order, each row as the demo maps it',
    async (index) => {
      const rows = await db
        .selectFrom('contacts')
        .selectAll()
        .where('account_id', '=', await accountIdOf(index))
        .orderBy('updated_at')
        .orderBy('id')
        .execute();
      const expected = rows.map((row) => ({
        id: String(row.id),
        updatedAt: Number(row.updated_at),
        name: row.name,
        title: row.title,
        company: row.company,
        emails: json(row.emails),
        phones: json(row.phones),
        websites: json(row.websites),
        customFields: json(row.custom_fields),
        photoUrl: row.photo_url,
        address: row.address,
        twitter: row.twitter,
        url: `${recordUrlBase}/contacts/${row.id}`,
      }));
      const actual = await everyContact(await accountOf(index));
      expect(actual.length).toBe(1500);
      const talkdesk = (records: unknown[]) =>
        JSON.stringify(records.map((r) => toTalkdeskContact(r as ContactRecord, 'US')));
      expect(talkdesk(actual)).toBe(talkdesk(expected));
    },
  );

  it('describes itself to Talkdesk as the demo always has', () => {
    expect(demo.connector.kind).toBe('sql:example-crm');
    expect(demo.connector.authenticationFields.map((f) => [f.field_name, f.display])).toEqual([
      ['username', 'Email'],
      ['password', 'Password'],
    ]);
    expect(demo.connector.capabilities).toEqual({
      authValidation: true,
      contacts: true,
      agents: true,
      interactionTypes: ['ticket', 'note', 'call'],
      contactSync: 'incremental',
      updatedAtPrecisionMs: 1,
    });
    expect(demo.actions.definitions.map((d) => d.name)).toEqual([
      'create_ticket',
      'log_call',
      'create_contact',
    ]);
  });

  it('pages agents in id order, each position the last id sent', async () => {
    for (const index of [0, 1]) {
      const account = await accountOf(index);
      const users = await db
        .selectFrom('users')
        .selectAll()
        .where('account_id', '=', await accountIdOf(index))
        .orderBy('id')
        .execute();
      const seen: unknown[] = [];
      let position: number | null = null;
      do {
        const page = await demo.agents.listUsers(account, position, 7, options());
        seen.push(...page.records);
        if (page.next !== null) expect(page.next).toBe(Number(page.records[6].id));
        position = page.next;
      } while (position !== null);
      // As Talkdesk receives them (the normalizer trims and drops blanks, for every connector).
      expect(seen.map((u) => toTalkdeskAgent(u as UserRecord))).toEqual(
        users.map((u) => toTalkdeskAgent({ id: String(u.id), name: u.name, email: u.email })),
      );
    }
  });

  it.each([0, 1])(
    'finds account %i’s contacts by every email and phone they hold, through the lookup table',
    async (index) => {
      const account = await accountOf(index);
      const owner = await accountIdOf(index);
      const query = { types: ['ticket', 'note', 'call'], limit: 50 };
      /** The lowest contact id the lookup table holds for the value: whom the demo finds. */
      const owning = async (kind: 'email' | 'phone', value: string | undefined) => {
        if (value === undefined) return undefined;
        const row = await db
          .selectFrom('contact_channels')
          .select('contact_id')
          .where('account_id', '=', owner)
          .where('kind', '=', kind)
          .where('value', '=', value)
          .orderBy('contact_id')
          .limit(1)
          .executeTakeFirst();
        return row ? Number(row.contact_id) : undefined;
      };
      const interactionIds = async (contactId: number) =>
        (
          await db
            .selectFrom('interactions')
            .select('id')
            .where('contact_id', '=', contactId)
            .orderBy('occurred_at', 'desc')
            .orderBy('id', 'desc')
            .execute()
        ).map((r) => String(r.id));
      const texts = (list: unknown) =>
        (Array.isArray(list) ? list : []).filter((v): v is string => typeof v === 'string');
      // The first contacts carry the interactions.
      const contacts = (await everyContact(account)).slice(0, 250);
      let found = 0;
      for (const contact of contacts) {
        const lookups: [{ emails: string[]; phones: string[] }, number | undefined][] = [];
        for (const email of texts(contact.emails)) {
          const owner = await owning('email', email.trim().toLowerCase());
          lookups.push([{ emails: [email], phones: [] }, owner]);
          lookups.push([{ emails: [email.toUpperCase()], phones: [] }, owner]);
        }
        for (const phone of texts(contact.phones)) {
          // A number that cannot be read and has fewer digits than a phone (`ext 525`) is
          // looked for only as written: its few digits would find a stranger.
          const readable = phoneForms(phone, 'US', ['e164', 'digits']).length > 0;
          const key = readable ? phoneLookupKey(phone, 'US') : phone.trim();
          lookups.push([{ emails: [], phones: [phone] }, await owning('phone', key)]);
        }
        for (const [lookup, contactId] of lookups) {
          const actual = await demo.interactions.findInteractions(
            account,
            lookup,
            query,
            options(),
          );
          const expected = contactId === undefined ? null : await interactionIds(contactId);
          expect({ lookup, found: actual?.map((i) => String(i.id)) ?? null }).toEqual({
            lookup,
            found: expected,
          });
          if (expected && expected.length > 0) found++;
        }
      }
      expect(found).toBeGreaterThan(50);
      const nobody = { emails: ['nobody@example.org'], phones: ['+1 999'] };
      expect(
        await demo.interactions.findInteractions(account, nobody, query, options()),
      ).toBeNull();
    },
    120_000,
  );

  describe('actions', () => {
    /** A contact and an agent of account 0, and an agent of account 1 (unknown to account 0). */
    let contactId: string;
    let agentId: string;
    let strangerId: string;
    let account: AccountRef;
    beforeAll(async () => {
      account = await accountOf(0);
      contactId = (await everyContact(account))[3].id;
      agentId = String((await demo.agents.listUsers(account, null, 1, options())).records[0].id);
      const other = await accountOf(1);
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
        account_id: Number(row.account_id),
        contact_id: String(row.contact_id),
        type: row.type,
        subject: row.subject,
        description: row.description,
        priority: row.priority,
        status: row.status,
        agent_id: row.agent_id === null ? null : String(row.agent_id),
      };
    };

    it.each([
      [
        'create_ticket',
        { subject: '  Missed call ', description: ' From Jane ', priority: ' high' },
        { type: 'ticket', subject: 'Missed call', description: 'From Jane', priority: 'high' },
      ],
      [
        'create_ticket',
        { subject: 'No extras', description: null, priority: '   ' },
        { type: 'ticket', subject: 'No extras', description: '', priority: 'normal' },
      ],
      [
        'log_call',
        { subject: 'Inbound', description: 'Asked about the invoice', duration: 42 },
        {
          type: 'call',
          subject: 'Inbound',
          description: 'Asked about the invoice\nDuration: 42 s',
        },
      ],
      [
        'log_call',
        { subject: 'Short', duration: '7' },
        { type: 'call', subject: 'Short', description: 'Duration: 7 s' },
      ],
      [
        'log_call',
        { subject: 'Notes only', description: '  just notes  ' },
        { type: 'call', subject: 'Notes only', description: 'just notes' },
      ],
    ])(
      '%s %j writes its row, with the agent only when the account has it',
      async (name, data, row) => {
        const ticket = name === 'create_ticket';
        for (const agent of [agentId, strangerId, undefined]) {
          const request = { data, contactExternalId: contactId, agentExternalId: agent };
          const outcome = await demo.actions.run(account, name, request, options());
          expect(outcome).toEqual({
            message: ticket
              ? `Ticket ${outcome.externalId} created`
              : `Call ${outcome.externalId} logged`,
            externalId: expect.stringMatching(/^\d+$/),
          });
          expect(await interaction(outcome.externalId!)).toEqual({
            account_id: await accountIdOf(0),
            contact_id: contactId,
            priority: null,
            ...row,
            status: ticket ? 'new' : 'closed',
            agent_id: agent === agentId ? agentId : null,
          });
        }
      },
    );

    it('refuses each request the demo refuses, naming what is wrong, and writes nothing', async () => {
      const before = await db.selectFrom('interactions').select('id').execute();
      const cases: [
        string,
        { data: Record<string, unknown>; contactExternalId?: string },
        string,
      ][] = [
        [
          'log_call',
          { data: { subject: 'x', duration: 'forty' }, contactExternalId: contactId },
          'duration',
        ],
        [
          'log_call',
          { data: { subject: 'x', duration: '4.5' }, contactExternalId: contactId },
          'duration',
        ],
        ['create_ticket', { data: { subject: 'x' } }, 'meta.contact_external_id'],
        ['create_ticket', { data: { subject: 'x' }, contactExternalId: '99999999' }, '99999999'],
        ['create_ticket', { data: { subject: 'x' }, contactExternalId: 'abc' }, 'abc'],
      ];
      for (const [name, request, word] of cases) {
        await expect(demo.actions.run(account, name, request, options())).rejects.toThrow(word);
      }
      // Another account's contact is not found.
      await expect(
        demo.actions.run(
          await accountOf(1),
          'create_ticket',
          { data: { subject: 'x' }, contactExternalId: contactId },
          options(),
        ),
      ).rejects.toThrow(contactId);
      expect(await db.selectFrom('interactions').select('id').execute()).toHaveLength(
        before.length,
      );
    });

    it('create_contact writes the contact and its lookup rows, and the new contact is found by them', async () => {
      const owner = await accountIdOf(0);
      for (const [data, row, channels] of [
        [
          { name: ' Jane Roe ', email: ' Jane.Roe@Example.com ', phone: '(212) 555-0199' },
          { name: 'Jane Roe', emails: '["Jane.Roe@Example.com"]', phones: '["(212) 555-0199"]' },
          [
            { kind: 'email', value: 'jane.roe@example.com' },
            { kind: 'phone', value: '+12125550199' },
          ],
        ],
        [
          { name: 'Only Name', company: ' Acme ', title: '' },
          { name: 'Only Name', company: 'Acme', emails: '[]', phones: '[]' },
          [],
        ],
        [
          { name: 'Odd Phone', phone: 'ext. 12' },
          { name: 'Odd Phone', emails: '[]', phones: '["ext. 12"]' },
          [{ kind: 'phone', value: '12' }],
        ],
      ] as const) {
        const outcome = await demo.actions.run(account, 'create_contact', { data }, options());
        const id = outcome.contactExternalId!;
        expect(outcome).toEqual({
          message: `Contact ${id} created`,
          contactExternalId: expect.stringMatching(/^\d+$/),
          contactExternalType: 'contact',
          contactExternalUrl: `${recordUrlBase}/contacts/${id}`,
        });
        const stored = await db
          .selectFrom('contacts')
          .selectAll()
          .where('id', '=', Number(id))
          .executeTakeFirstOrThrow();
        expect(Math.abs(Date.now() - Number(stored.updated_at))).toBeLessThan(60_000);
        expect({ ...stored, id: undefined, updated_at: undefined }).toEqual({
          id: undefined,
          updated_at: undefined,
          account_id: owner,
          title: null,
          company: null,
          websites: '[]',
          custom_fields: '[]',
          photo_url: null,
          address: null,
          twitter: null,
          ...row,
        });
        const lookupRows = await db
          .selectFrom('contact_channels')
          .select(['account_id', 'kind', 'value'])
          .where('contact_id', '=', Number(id))
          .orderBy('kind')
          .execute();
        expect(lookupRows.map((r) => ({ ...r, account_id: Number(r.account_id) }))).toEqual(
          channels.map((c) => ({ account_id: owner, ...c })),
        );
      }
    });
  });
});
