import { portsOf } from '../support/ports';
import {
  FakeHubSpot,
  HUBSPOT_EXPIRED_TOKEN,
  HUBSPOT_PORTALS,
} from '../support/upstreams/fake-hubspot';
import { describePortContract } from './port-contract';
import { startVendorConnector } from './vendor-connector';

/** The REST adapter over connectors/hubspot.yaml and the HubSpot stand-in (two portals). */
describePortContract('REST adapter (connectors/hubspot.yaml, HubSpot stand-in)', async () => {
  const hs = new FakeHubSpot({ contacts: 300 });
  await hs.start();
  const moduleRef = await startVendorConnector('connectors/hubspot.yaml', hs.baseUrl, () =>
    hs.stop(),
  );
  // What Talkdesk sends: the token, and the portal id the credential check stored.
  const [first, second] = HUBSPOT_PORTALS.map((p) => ({
    access_token: p.token,
    portal_id: String(p.portalId),
  }));
  return {
    ports: portsOf(moduleRef),
    accounts: [first, second],
    invalidCredentials: [
      { label: 'expired token', auth: { ...first, access_token: HUBSPOT_EXPIRED_TOKEN } },
      {
        label: 'unknown token',
        auth: { ...first, access_token: 'pat-na1-11111111-2222-4333-8444-555555555555' },
      },
    ],
    // The portal id is stored by the credential check, not a credential.
    credentialFields: ['access_token'],
    idsUniqueAcrossAccounts: true,
    async seedContacts(account, contacts) {
      return contacts.map((c) => {
        const [firstname, ...rest] = c.name.split(' ');
        return hs.addContact(
          account,
          {
            firstname,
            lastname: rest.join(' '),
            email: c.emails[0] ?? null,
            phone: c.phones[0] ?? null,
          },
          c.updatedAt,
        ).id;
      });
    },
    async teardown() {
      await moduleRef.close();
      await hs.stop();
    },
  };
});
