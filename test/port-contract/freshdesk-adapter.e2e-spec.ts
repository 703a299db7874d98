import { scaledPacing } from '../support/local-manifest';
import { portsOf } from '../support/ports';
import { FakeFreshdesk } from '../support/upstreams/fake-freshdesk';
import { freshdeskCredentials } from '../support/upstreams/fake-freshdesk-data';
import { describePortContract } from './port-contract';
import { startVendorConnector } from './vendor-connector';

/** The REST adapter over connectors/freshdesk.yaml and the Freshdesk stand-in (two accounts). */
describePortContract('REST adapter (connectors/freshdesk.yaml, Freshdesk stand-in)', async () => {
  const fd = new FakeFreshdesk({ contacts: 300, agents: 8 });
  fd.limits = {
    perMinute: 1_000_000,
    contactsListPerMinute: 1_000_000,
    ticketsListPerMinute: 1_000_000,
    ticketCreatePerMinute: 1_000_000,
    windowMs: 60_000,
  };
  await fd.start();
  // The manifest's pacing a thousand times faster (the stand-in's limits are lifted): the suite
  // checks what the ports answer, the pacing has its own specs.
  const manifest = scaledPacing('connectors/freshdesk.yaml', 0.001);
  const stop = async () => {
    await fd.stop();
    manifest.remove();
  };
  const moduleRef = await startVendorConnector(manifest.path, fd.baseUrl, stop);
  const [first, second] = [freshdeskCredentials(0), freshdeskCredentials(1)];
  return {
    ports: portsOf(moduleRef),
    accounts: [first, second],
    invalidCredentials: [
      { label: 'wrong API key', auth: { ...first, api_key: 'wrongwrongwrongwrong' } },
      { label: 'the other account’s key', auth: { ...first, api_key: second.api_key } },
      { label: 'unknown domain', auth: { ...first, domain: 'initech-none' } },
    ],
    credentialFields: ['domain', 'api_key'],
    idsUniqueAcrossAccounts: true,
    async seedContacts(account, contacts) {
      return contacts.map((c) => {
        const at = Math.floor(c.updatedAt / 1000);
        return String(
          fd.addContact(account, {
            name: c.name,
            email: c.emails[0] ?? null,
            other_emails: c.emails.slice(1),
            phone: c.phones[0] ?? null,
            mobile: null,
            company_id: null,
            job_title: null,
            deleted: false,
            created_s: at,
            updated_s: at,
          }).id,
        );
      });
    },
    async teardown() {
      await moduleRef.close();
      await stop();
    },
  };
});
