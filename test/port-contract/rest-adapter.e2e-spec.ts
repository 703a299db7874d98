import { loadConfig } from '../../src/config/app-config';
import { portsOf, startConnectorModule } from '../support/ports';
import { credentialsOf, FakeHelpdesk } from '../support/upstreams/fake-helpdesk';
import { describePortContract } from './port-contract';

/**
 * The REST adapter driven by the help desk example manifest (connectors/helpdesk.yaml), against
 * a help desk API served by a real HTTP server with two accounts.
 */
describePortContract('REST adapter (help desk manifest, HTTP upstream)', async () => {
  const helpdesk = new FakeHelpdesk();
  await helpdesk.start();
  const moduleRef = await (async () => {
    const config = loadConfig(
      {},
      {
        logLevel: 'silent',
        connector: 'rest',
        connectorManifest: 'connectors/helpdesk.yaml',
        connectorBaseUrl: helpdesk.baseUrl,
      },
    );
    return startConnectorModule(config);
  })().catch(async (error: unknown) => {
    await helpdesk.stop();
    throw error;
  });
  const [first, second] = [credentialsOf(0), credentialsOf(1)];

  return {
    ports: portsOf(moduleRef),
    accounts: [first, second],
    invalidCredentials: [
      { label: 'wrong API token', auth: { ...first, api_token: 'not-the-token' } },
      { label: 'the other account’s token', auth: { ...first, api_token: second.api_token } },
      { label: 'unknown subdomain', auth: { ...first, subdomain: 'initech' } },
      { label: 'another account’s email', auth: { ...first, email: second.email } },
    ],
    credentialFields: ['subdomain', 'email', 'api_token'],
    idsUniqueAcrossAccounts: true,
    async seedContacts(account, contacts) {
      return contacts.map((c) => String(helpdesk.addContact(account, c).id));
    },
    createContactAction: {
      name: 'create_contact',
      data: ({ name, email, phone }) => ({ name, email, phone }),
    },
    async teardown() {
      await moduleRef.close();
      await helpdesk.stop();
    },
  };
});
