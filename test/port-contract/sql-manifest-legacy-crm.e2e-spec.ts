import { sqlManifestFixture } from '../support/sql-manifest-fixture';
import { TEST_DATABASE } from '../support/test-database';
import {
  CRM_INACTIVE_USER,
  CRM_TENANTS,
  createLegacyCrm,
  insertCrmCustomers,
  seedLegacyCrm,
} from '../support/user-schemas/legacy-crm';
import { describePortContract } from './port-contract';

/**
 * The SQL connector over a legacy CRM's own database (connectors/sql/legacy-crm.yaml): upper-case
 * tables, three phone columns, text dates, a soft-delete flag, a tenant column, bcrypt hashes.
 */
describePortContract(`SQL manifest: legacy CRM (${TEST_DATABASE})`, () =>
  sqlManifestFixture(
    'connectors/sql/legacy-crm.yaml',
    { create: createLegacyCrm, seed: seedLegacyCrm },
    (user) => {
      const [acme, globex] = CRM_TENANTS.map(({ username, password }) => ({ username, password }));
      return {
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
      };
    },
  ),
);
