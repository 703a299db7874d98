import { loadConfig } from '../../src/config/app-config';
import { DEMO_ACCOUNTS } from '../../src/connectors/sql/demo-seed';
import { openDatabase } from '../../src/connectors/sql/database';
import { findAccountId, insertContacts } from '../../src/connectors/sql/sql-writer';
import { newContact } from '../factories';
import { portsOf, startConnectorModule } from '../support/ports';
import { createTestDatabase, TEST_DATABASE } from '../support/test-database';
import { describePortContract } from './port-contract';

/**
 * The demo: the SQL connector through connectors/sql/bridge-demo.yaml, on a fresh demo database
 * (TEST_DATABASE: SQLite, PostgreSQL or MariaDB), seeded with the demo accounts.
 */
describePortContract(`SQL demo (${TEST_DATABASE}, demo data)`, async () => {
  const database = await createTestDatabase();
  const config = loadConfig(
    {},
    { dataDir: database.dataDir, databaseUrl: database.url, logLevel: 'silent' },
  );
  const moduleRef = await startConnectorModule(config);
  const db = openDatabase(config.databaseUrl, config.dataDir);
  const [demo, other] = DEMO_ACCOUNTS.map(({ username, password }) => ({ username, password }));

  return {
    ports: portsOf(moduleRef),
    accounts: [demo, other],
    invalidCredentials: [
      { label: 'wrong password', auth: { ...demo, password: 'not-the-password' } },
      { label: 'the other account’s password', auth: { ...demo, password: other.password } },
      { label: 'unknown user', auth: { username: 'nobody@example.com', password: 'demo' } },
      { label: 'password only', auth: { password: demo.password } },
    ],
    idsUniqueAcrossAccounts: true,
    async seedContacts(account, contacts) {
      const accountId = await findAccountId(db, [demo, other][account].username);
      if (accountId === null) throw new Error('demo account missing');
      const created = await insertContacts(
        db,
        accountId,
        contacts.map(({ name, emails, phones, updatedAt }) =>
          newContact({ name, emails, phones, updatedAt }),
        ),
        config.defaultPhoneRegion,
      );
      return created.map(String);
    },
    createContactAction: {
      name: 'create_contact',
      data: ({ name, email, phone }) => ({ name, email, phone }),
    },
    async teardown() {
      try {
        await db.destroy();
        await moduleRef.close();
      } finally {
        await database.drop();
      }
    },
  };
});
