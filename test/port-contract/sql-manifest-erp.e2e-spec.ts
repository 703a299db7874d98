import { loadConfig } from '../../src/config/app-config';
import { portsOf, startConnectorModule } from '../support/ports';
import { TEST_DATABASE } from '../support/test-database';
import { createErp, ERP_CLIENTS, insertErpCustomers, seedErp } from '../support/user-schemas/erp';
import { createUserDatabase } from '../support/user-schemas/user-database';
import { describePortContract } from './port-contract';

/**
 * The SQL connector over an ERP's customer master (connectors/sql/erp.yaml): contacts and staff
 * keyed by (company_code, customer_no) and (company_code, staff_no), the contact id the key's
 * encoding, a client column, epoch-second change times, PBKDF2 hashes.
 */
describePortContract(`SQL manifest: ERP with a composite key (${TEST_DATABASE})`, async () => {
  const user = await createUserDatabase();
  try {
    await createErp(user.db, user.database.kind);
    await seedErp(user.db);
    const config = loadConfig(
      {},
      {
        connector: 'sql',
        connectorManifest: 'connectors/sql/erp.yaml',
        databaseUrl: user.url,
        dataDir: user.database.dataDir,
        logLevel: 'silent',
      },
    );
    const moduleRef = await startConnectorModule(config);
    const [first, second] = ERP_CLIENTS.map(({ username, password }) => ({ username, password }));
    return {
      ports: portsOf(moduleRef),
      accounts: [first, second],
      invalidCredentials: [
        { label: 'wrong password', auth: { ...first, password: 'not-the-password' } },
        { label: 'the other client’s password', auth: { ...first, password: second.password } },
        { label: 'unknown user', auth: { username: 'nobody@erp100', password: first.password } },
        { label: 'password only', auth: { password: first.password } },
      ],
      idsUniqueAcrossAccounts: true,
      seedContacts: (account, contacts) => insertErpCustomers(user.db, account, contacts),
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
