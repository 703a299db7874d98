import { loadConfig } from '../../src/config/app-config';
import { portsOf, startConnectorModule } from '../support/ports';
import { TEST_DATABASE } from '../support/test-database';
import {
  createHelpdesk,
  HELPDESK_ORGS,
  HELPDESK_REVOKED_KEY,
  insertRequesters,
  seedHelpdesk,
} from '../support/user-schemas/helpdesk';
import { createUserDatabase } from '../support/user-schemas/user-database';
import { describePortContract } from './port-contract';

/**
 * The SQL connector over a help desk's own database (connectors/sql/helpdesk.yaml): API keys
 * looked up by SHA-256, uuid ids, millisecond timestamps, a join as the contacts' source, tickets
 * and comments as two interaction streams, an INSERT and an UPDATE action.
 */
describePortContract(`SQL manifest: help desk (${TEST_DATABASE})`, async () => {
  const user = await createUserDatabase();
  try {
    await createHelpdesk(user.db, user.database.kind);
    await seedHelpdesk(user.db);
    const config = loadConfig(
      {},
      {
        connector: 'sql',
        connectorManifest: 'connectors/sql/helpdesk.yaml',
        databaseUrl: user.url,
        dataDir: user.database.dataDir,
        logLevel: 'silent',
      },
    );
    const moduleRef = await startConnectorModule(config);
    const [initech, umbrella] = HELPDESK_ORGS.map((o) => ({ api_key: o.apiKey }));
    return {
      ports: portsOf(moduleRef),
      accounts: [initech, umbrella],
      invalidCredentials: [
        { label: 'unknown key', auth: { api_key: 'hd-nobody' } },
        { label: 'a revoked key', auth: { api_key: HELPDESK_REVOKED_KEY } },
        { label: 'the key’s hash itself', auth: { api_key: 'a'.repeat(64) } },
      ],
      idsUniqueAcrossAccounts: true,
      seedContacts: (account, contacts) =>
        insertRequesters(user.db, HELPDESK_ORGS[account].id, contacts),
      actionRequest: (name, contactId) => ({
        data:
          name === 'update_phone' ? { phone: '+44 20 7946 9999' } : { subject: 'Contract ticket' },
        contactExternalId: contactId,
      }),
      async teardown() {
        try {
          await moduleRef.close();
        } finally {
          await user.close();
        }
      },
    };
  } catch (error) {
    await user.close();
    throw error;
  }
});
