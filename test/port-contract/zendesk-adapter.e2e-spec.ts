import { scaledPacing } from '../support/local-manifest';
import { portsOf } from '../support/ports';
import { FakeZendesk } from '../support/upstreams/fake-zendesk';
import { zendeskCredentials } from '../support/upstreams/fake-zendesk-data';
import { describePortContract } from './port-contract';
import { startVendorConnector } from './vendor-connector';

/** The REST adapter over connectors/zendesk.yaml and the Zendesk stand-in (two accounts). */
describePortContract('REST adapter (connectors/zendesk.yaml, Zendesk stand-in)', async () => {
  const zd = new FakeZendesk({ endUsers: 300, agents: 8 });
  zd.limits = { perMinute: 1_000_000, incrementalPerMinute: 1_000_000, windowMs: 60_000 };
  // The stand-in's clock runs ahead of the wall clock by what the suite lets pass.
  let ahead = 0;
  zd.clock = () => Date.now() + ahead;
  await zd.start();
  // The manifest's pacing a thousand times faster (the stand-in's limits are lifted): the suite
  // checks what the ports answer, the pacing has its own specs.
  const manifest = scaledPacing('connectors/zendesk.yaml', 0.001);
  const stop = async () => {
    await zd.stop();
    manifest.remove();
  };
  const moduleRef = await startVendorConnector(manifest.path, zd.baseUrl, stop);
  const [first, second] = [zendeskCredentials(0), zendeskCredentials(1)];
  return {
    ports: portsOf(moduleRef),
    accounts: [first, second],
    invalidCredentials: [
      { label: 'wrong API token', auth: { ...first, api_token: 'zd-wrong-000000000000' } },
      { label: 'the other account’s token', auth: { ...first, api_token: second.api_token } },
      { label: 'unknown subdomain', auth: { ...first, subdomain: 'initech' } },
      { label: 'another account’s email', auth: { ...first, email: second.email } },
    ],
    credentialFields: ['subdomain', 'email', 'api_token'],
    idsUniqueAcrossAccounts: true,
    async seedContacts(account, contacts) {
      return contacts.map((c) => {
        const at = Math.floor(c.updatedAt / 1000);
        return String(
          zd.addUser(account, {
            name: c.name,
            email: c.emails[0] ?? null,
            phone: c.phones[0] ?? null,
            role: 'end-user',
            active: true,
            organization_id: null,
            created_s: at,
            updated_s: at,
            time_zone: 'UTC',
            tags: [],
          }).id,
        );
      });
    },
    async elapse(ms: number) {
      ahead += ms;
    },
    async teardown() {
      await moduleRef.close();
      await stop();
    },
  };
});
