import { sqlManifestFixture } from '../support/sql-manifest-fixture';
import { TEST_DATABASE } from '../support/test-database';
import {
  createHelpdesk,
  HELPDESK_ORGS,
  HELPDESK_REVOKED_KEY,
  insertRequesters,
  seedHelpdesk,
} from '../support/user-schemas/helpdesk';
import { describePortContract } from './port-contract';

/**
 * The SQL connector over a help desk's own database (connectors/sql/helpdesk.yaml): API keys
 * looked up by SHA-256, uuid ids, millisecond timestamps, a join as the contacts' source, tickets
 * and comments as two interaction streams, an INSERT and an UPDATE action.
 */
describePortContract(`SQL manifest: help desk (${TEST_DATABASE})`, () =>
  sqlManifestFixture(
    'connectors/sql/helpdesk.yaml',
    { create: createHelpdesk, seed: seedHelpdesk },
    (user) => {
      const [initech, umbrella] = HELPDESK_ORGS.map((o) => ({ api_key: o.apiKey }));
      return {
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
            name === 'update_phone'
              ? { phone: '+44 20 7946 9999' }
              : { subject: 'Contract ticket' },
          contactExternalId: contactId,
        }),
      };
    },
  ),
);
