import { CRM_USERS, FakeCrm } from './fake-crm';
import { credentialsOf, FakeHelpdesk } from './fake-helpdesk';
import { FakeHttpServer } from './fake-http';
import { FakeFreshdesk } from './fake-freshdesk';
import { FakeHubSpot } from './fake-hubspot';
import { HUBSPOT_PORTALS } from './fake-hubspot-data';
import { freshdeskCredentials } from './fake-freshdesk-data';
import { FakePipedrive } from './fake-pipedrive';
import { pipedriveCredentials } from './fake-pipedrive-data';
import { FakePunchClock, PUNCH_CLOCK_KEY } from './fake-punch-clock';
import { FakeZendesk } from './fake-zendesk';
import { zendeskCredentials } from './fake-zendesk-data';

/**
 * Example manifests no stand-in here can serve as they are: their base URL is an account field
 * that must match the vendor's own hosts (`connection.allowed_hosts`), so that the credentials
 * never travel elsewhere; their e2e specs run them against a copy allowing the local stand-in.
 */
export const NOT_SERVED_LOCALLY: Readonly<Record<string, string>> = {
  'salesforce.yaml': 'the instance URL must be on *.my.salesforce.com',
  'dynamics365.yaml': 'the environment URL must be on *.crm*.dynamics.com',
};

/** A stand-in that one FakeHttpServer serves (its `server`), with its demo data. */
export interface StandIn {
  readonly server: FakeHttpServer;
  stop(): Promise<void>;
}

/** A stand-in a user can run on a fixed port to try example manifests end to end. */
export interface ExampleUpstream {
  /** What it plays, in a few words. */
  about: string;
  /** The manifests of connectors/ it answers. */
  manifests: string[];
  /** A new one, with its demo data. */
  create(): StandIn;
  /** Credentials it accepts, as Talkdesk sends them in `auth`. */
  auth: Record<string, string>;
  /** Appended to the server's origin: the base URL the manifests are pointed at. */
  path: string;
}

const example = (
  about: string,
  manifests: string[],
  create: () => StandIn,
  auth: Record<string, string>,
  path = '',
): ExampleUpstream => ({ about, manifests, create, auth, path });

/**
 * The example upstreams of `npm run example:upstream -- <name> --port <port>`: one line each,
 * its name, what it plays, the manifests it answers, how it is made, the credentials it takes and
 * the path of its base URL (a stand-in needing more than one server starts them in `create`).
 */
// prettier-ignore
export const EXAMPLE_UPSTREAMS: Record<string, ExampleUpstream> = {
  helpdesk: example('a help desk (customers, agents, tickets, notes)', ['helpdesk.yaml'], () => new FakeHelpdesk(), credentialsOf(0), '/{{ auth.subdomain }}/api/v2'),
  'punch-clock': example("Talkdesk's time-tracking example API (agents, punch clock)", ['punch-clock-formatted.yaml', 'punch-clock-not-formatted.yaml'], () => new FakePunchClock(), { api_key: PUNCH_CLOCK_KEY }),
  crm: example('a CRM (session login, people, owners, activities)', ['crm.yaml'], () => new FakeCrm(), { username: CRM_USERS[0].username, password: CRM_USERS[0].password }, '/v1'),
  zendesk: example('Zendesk Support (end users, agents, tickets)', ['zendesk.yaml'], () => new FakeZendesk(), zendeskCredentials(0), '/{{ auth.subdomain }}/api/v2'),
  freshdesk: example('Freshdesk (contacts, agents, tickets)', ['freshdesk.yaml'], () => new FakeFreshdesk(), freshdeskCredentials(0), '/{{ auth.domain }}/api/v2'),
  hubspot: example('HubSpot CRM (contacts, owners, tickets, notes, calls, tasks)', ['hubspot.yaml'], () => new FakeHubSpot(), { access_token: HUBSPOT_PORTALS[0].token }),
  pipedrive: example('Pipedrive (persons, users, activities, notes)', ['pipedrive.yaml'], () => new FakePipedrive(), pipedriveCredentials(0), '/{{ auth.company_domain }}/api'),
};
