import { sqlManifestFixture } from '../support/sql-manifest-fixture';
import { TEST_DATABASE } from '../support/test-database';
import { createErp, ERP_CLIENTS, insertErpCustomers, seedErp } from '../support/user-schemas/erp';
import { describePortContract } from './port-contract';

/**
 * The SQL connector over an ERP's customer master (connectors/sql/erp.yaml): contacts and staff
 * keyed by (company_code, customer_no) and (company_code, staff_no), the contact id the key's
 * encoding, a client column, epoch-second change times, PBKDF2 hashes.
 */
describePortContract(`SQL manifest: ERP with a composite key (${TEST_DATABASE})`, () =>
  sqlManifestFixture('connectors/sql/erp.yaml', { create: createErp, seed: seedErp }, (user) => {
    const [first, second] = ERP_CLIENTS.map(({ username, password }) => ({ username, password }));
    return {
      accounts: [first, second],
      invalidCredentials: [
        { label: 'wrong password', auth: { ...first, password: 'not-the-password' } },
        { label: 'the other client’s password', auth: { ...first, password: second.password } },
        { label: 'unknown user', auth: { username: 'nobody@erp100', password: first.password } },
        { label: 'password only', auth: { password: first.password } },
      ],
      idsUniqueAcrossAccounts: true,
      seedContacts: (account, contacts) => insertErpCustomers(user.db, account, contacts),
    };
  }),
);
