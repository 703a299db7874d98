import { join } from 'node:path';
import { TestingModule } from '@nestjs/testing';
import { loadConfig } from '../src/config/app-config';
import { toTalkdeskAgent } from '../src/agents/agent-normalizer';
import { toTalkdeskContact } from '../src/contacts/contact-normalizer';
import { toTalkdeskInteraction } from '../src/interactions/interaction-normalizer';
import { SQLITE_FILE_NAME } from '../src/connectors/sql/database';
import { DEMO_ACCOUNTS } from '../src/connectors/sql/demo-seed';
import { AccountRef, CallOptions, ContactRecord } from '../src/connectors/ports';
import { PortSet, portsOf, startConnectorModule } from './support/ports';
import { createTestDatabase, TEST_DATABASE, TestDatabase } from './support/test-database';

/**
 * connectors/sql/bridge-demo.yaml describes the bridge's own demo tables: read through it, the
 * demo database gives the very records the built-in SQL adapter gives (JSON text columns,
 * custom fields from one column, scrypt hashes, tenants).
 */
describe(`the bridge's demo tables through an SQL manifest (${TEST_DATABASE})`, () => {
  let database: TestDatabase;
  let builtIn: TestingModule;
  let mapped: TestingModule;
  let demo: PortSet;
  let manifest: PortSet;
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
  }, 120_000);
  afterAll(async () => {
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
});
