import { localManifest } from '../support/local-manifest';
import { portsOf } from '../support/ports';
import {
  FakeSalesforce,
  SALESFORCE_EXPIRED_TOKEN,
  sfDateTime,
} from '../support/upstreams/fake-salesforce';
import { describePortContract } from './port-contract';
import { startVendorConnector } from './vendor-connector';

/**
 * The REST adapter over connectors/salesforce.yaml and the Salesforce stand-in (a login server
 * and two orgs): the manifest as shipped, its allowed hosts and login server pointed at the
 * stand-ins.
 */
describePortContract('REST adapter (connectors/salesforce.yaml, Salesforce stand-in)', async () => {
  const sf = new FakeSalesforce({ contacts: 300 });
  await sf.start();
  const manifest = localManifest('connectors/salesforce.yaml', {
    'https://login.salesforce.com': sf.login.origin,
  });
  const stop = async () => {
    await sf.stop();
    manifest.remove();
  };
  const moduleRef = await startVendorConnector(manifest.path, undefined, stop);
  // What Talkdesk sends: the OAuth token, and the My Domain the credential check stored.
  const [first, second] = [sf.org(0), sf.org(1)].map((o) => ({
    access_token: o.accessToken,
    instance_url: o.instanceUrl,
  }));
  return {
    ports: portsOf(moduleRef),
    accounts: [first, second],
    invalidCredentials: [
      { label: 'expired session', auth: { ...first, access_token: SALESFORCE_EXPIRED_TOKEN } },
      { label: 'the other org’s My Domain', auth: { ...first, instance_url: second.instance_url } },
      {
        label: 'a host the manifest does not allow',
        auth: { ...first, instance_url: 'https://evil.example.com' },
      },
    ],
    // The My Domain is stored by the credential check: the first validation comes without it.
    credentialFields: ['access_token'],
    idsUniqueAcrossAccounts: true,
    async seedContacts(account, contacts) {
      const org = sf.org(account);
      return contacts.map((c) => {
        const [FirstName, ...rest] = c.name.split(' ');
        const Id = sf.newId('Contact');
        const at = sfDateTime(c.updatedAt);
        org.records.Contact.set(Id, {
          Id,
          FirstName,
          LastName: rest.join(' '),
          Name: c.name,
          Email: c.emails[0] ?? null,
          Phone: c.phones[0] ?? null,
          MobilePhone: null,
          HomePhone: null,
          Title: null,
          AccountId: null,
          Account: null,
          OwnerId: org.userId,
          IsDeleted: false,
          CreatedDate: at,
          LastModifiedDate: at,
          SystemModstamp: at,
        });
        return Id;
      });
    },
    async teardown() {
      await moduleRef.close();
      await stop();
    },
  };
});
