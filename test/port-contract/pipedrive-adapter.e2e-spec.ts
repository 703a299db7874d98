import { portsOf } from '../support/ports';
import { FakePipedrive } from '../support/upstreams/fake-pipedrive';
import { pipedriveCredentials } from '../support/upstreams/fake-pipedrive-data';
import { describePortContract } from './port-contract';
import { startVendorConnector } from './vendor-connector';

/** The REST adapter over a vendor manifest and its stand-in (a real HTTP server, two companies). */

describePortContract('REST adapter (connectors/pipedrive.yaml, Pipedrive stand-in)', async () => {
  const pd = new FakePipedrive({ persons: 400, users: 8 });
  pd.limits = { perWindow: 1_000_000, searchPerWindow: 1_000_000, windowMs: 2_000 };
  await pd.start();
  const moduleRef = await startVendorConnector('connectors/pipedrive.yaml', pd.baseUrl, () =>
    pd.stop(),
  );
  const [first, second] = [pipedriveCredentials(0), pipedriveCredentials(1)];
  return {
    ports: portsOf(moduleRef),
    accounts: [first, second],
    invalidCredentials: [
      { label: 'wrong API token', auth: { ...first, api_token: 'f'.repeat(40) } },
      { label: 'the other company’s token', auth: { ...first, api_token: second.api_token } },
      { label: 'unknown company domain', auth: { ...first, company_domain: 'initech' } },
    ],
    credentialFields: ['company_domain', 'api_token'],
    idsUniqueAcrossAccounts: true,
    async seedContacts(account, contacts) {
      return contacts.map((c) => {
        const [first_name, ...rest] = c.name.split(' ');
        return String(
          pd.addPerson(account, {
            name: c.name,
            first_name,
            last_name: rest.join(' '),
            owner_id: pd.company(account).users[0].id,
            org_id: null,
            emails: c.emails.map((value, i) => ({ value, primary: i === 0, label: 'work' })),
            phones: c.phones.map((value, i) => ({ value, primary: i === 0, label: 'work' })),
            is_deleted: false,
            add_s: Math.floor(c.updatedAt / 1000),
            update_s: Math.floor(c.updatedAt / 1000),
          }).id,
        );
      });
    },
    async teardown() {
      await moduleRef.close();
      await pd.stop();
    },
  };
});
