import { randomUUID } from 'node:crypto';
import { localManifest } from '../support/local-manifest';
import { portsOf } from '../support/ports';
import {
  DATAVERSE_EXPIRED_TOKEN,
  dvDateTime,
  FakeDynamics365,
} from '../support/upstreams/fake-dynamics365';
import { describePortContract } from './port-contract';
import { startVendorConnector } from './vendor-connector';

/**
 * The REST adapter over connectors/dynamics365.yaml and the Dataverse stand-in (two
 * environments): the manifest as shipped, its allowed hosts pointed at the stand-in.
 */
describePortContract('REST adapter (connectors/dynamics365.yaml, Dataverse stand-in)', async () => {
  const dv = new FakeDynamics365({ contacts: 300 });
  await dv.start();
  const manifest = localManifest('connectors/dynamics365.yaml');
  const stop = async () => {
    await dv.stop();
    manifest.remove();
  };
  const moduleRef = await startVendorConnector(manifest.path, undefined, stop);
  // What Talkdesk sends: the OAuth token, and the environment URL the user entered.
  const [first, second] = ([0, 1] as const).map((n) => ({
    access_token: dv.org(n).accessToken,
    organization_url: dv.orgUrl(n),
  }));
  return {
    ports: portsOf(moduleRef),
    accounts: [first, second],
    invalidCredentials: [
      { label: 'expired token', auth: { ...first, access_token: DATAVERSE_EXPIRED_TOKEN } },
      {
        label: 'the other environment',
        auth: { ...first, organization_url: second.organization_url },
      },
      {
        label: 'a host the manifest does not allow',
        auth: { ...first, organization_url: 'https://contoso.evil.example' },
      },
    ],
    // An environment URL naming no environment is not a refused credential (there is no such
    // host to refuse it): only the token is refused whatever is done to it.
    credentialFields: ['access_token'],
    idsUniqueAcrossAccounts: true,
    async seedContacts(account, contacts) {
      const table = dv.org(account).tables.get('contacts')!;
      return contacts.map((c) => {
        const [firstname, ...rest] = c.name.split(' ');
        const contactid = randomUUID();
        const at = dvDateTime(c.updatedAt);
        table.set(contactid, {
          contactid,
          firstname,
          lastname: rest.join(' '),
          fullname: c.name,
          emailaddress1: c.emails[0] ?? null,
          emailaddress2: null,
          emailaddress3: null,
          telephone1: c.phones[0] ?? null,
          telephone2: null,
          mobilephone: null,
          jobtitle: null,
          _parentcustomerid_value: null,
          _ownerid_value: dv.org(account).callerId,
          statecode: 0,
          createdon: at,
          modifiedon: at,
        });
        return contactid;
      });
    },
    async teardown() {
      await moduleRef.close();
      await stop();
    },
  };
});
