import { loadConfig } from '../../src/config/app-config';
import { portsOf, startConnectorModule } from '../support/ports';
import { TEST_DATABASE } from '../support/test-database';
import {
  CRM_INACTIVE_USER,
  CRM_TENANTS,
  createLegacyCrm,
  insertCrmCustomers,
  seedLegacyCrm,
} from '../support/user-schemas/legacy-crm';
import { createUserDatabase } from '../support/user-schemas/user-database';
import { describePortContract } from './port-contract';

/**
 * The SQL connector over a legacy CRM's own database (connectors/sql/legacy-crm.yaml): upper-case
 * tables, three phone columns, text dates, a soft-delete flag, a tenant column, bcrypt hashes.
 */
describePortContract(`SQL manifest: legacy CRM (${TEST_DATABASE})`, async () => {
  const user = await createUserDatabase();
  try {
    await createLegacyCrm(user.db, user.database.kind);
    await seedLegacyCrm(user.db);
    const config = loadConfig(
      {},
      {
        connector: 'sql',
        connectorManifest: 'connectors/sql/legacy-crm.yaml',
        databaseUrl: user.url,
        dataDir: user.database.dataDir,
        logLevel: 'silent',
      },
    );
    const moduleRef = await startConnectorModule(config);
    const [acme, globex] = CRM_TENANTS.map(({ username, password }) => ({ username, password }));
    return {
      ports: portsOf(moduleRef),
      accounts: [acme, globex],
      invalidCredentials: [
        { label: 'wrong password', auth: { ...acme, password: 'not-the-password' } },
        { label: 'the other tenant’s password', auth: { ...acme, password: globex.password } },
        {
          label: 'unknown user',
          auth: { username: 'nobody@acme.example', password: 'acme-secret' },
        },
        { label: 'an inactive user', auth: CRM_INACTIVE_USER },
        { label: 'password only', auth: { password: acme.password } },
      ],
      idsUniqueAcrossAccounts: true,
      seedContacts: (account, contacts) =>
        insertCrmCustomers(user.db, CRM_TENANTS[account].tenant, contacts),
      createContactAction: {
        name: 'create_contact',
        data: ({ name, email, phone }) => ({ name, email, phone }),
      },
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
