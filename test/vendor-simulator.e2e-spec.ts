import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { createApp } from '../src/bootstrap';
import { loadConfig } from '../src/config/app-config';
import { simulate } from '../src/simulator/simulator';
import { localManifest } from './support/local-manifest';
import { DATAVERSE_ORGS, FakeDynamics365 } from './support/upstreams/fake-dynamics365';
import { FakeFreshdesk } from './support/upstreams/fake-freshdesk';
import { freshdeskCredentials } from './support/upstreams/fake-freshdesk-data';
import { FakeHubSpot } from './support/upstreams/fake-hubspot';
import { HUBSPOT_PORTALS } from './support/upstreams/fake-hubspot-data';
import { FakePipedrive } from './support/upstreams/fake-pipedrive';
import { FakeSalesforce } from './support/upstreams/fake-salesforce';
import { pipedriveCredentials } from './support/upstreams/fake-pipedrive-data';
import { FakeZendesk } from './support/upstreams/fake-zendesk';
import { zendeskCredentials } from './support/upstreams/fake-zendesk-data';

/** The Talkdesk simulator against the bridge on a port, over each vendor manifest and stand-in. */

interface Upstream {
  /** Where the manifest is pointed (CONNECTOR_BASE_URL), unless its base URL is an account field. */
  baseUrl?: string;
  /** A copy of the manifest allowing the local stand-in's hosts, for those bound to the vendor's. */
  manifest?: { path: string; remove: () => void };
  /** Credentials as Talkdesk holds them once the stand-in is up. */
  auth?: Record<string, unknown>;
  stop: () => Promise<void>;
}

interface Vendor {
  name: string;
  /** Fields of auth a wrong-credentials check must not alter (a tenant's URL). */
  keepAuthFields?: string[];
  /** REQUEST_BUDGET_MS as the vendor's docs page says to set it (pacing windows past 5 s). */
  requestBudgetMs?: number;
  start: () => Promise<Upstream>;
  auth: Record<string, unknown>;
  types: string[];
}

const vendors: Vendor[] = [
  {
    // The export is paced at one request every 7 s: docs/connectors/zendesk.md sets the budget.
    name: 'zendesk',
    requestBudgetMs: 8000,
    auth: zendeskCredentials(0),
    types: ['ticket'],
    start: async () => {
      const fake = new FakeZendesk({ endUsers: 600, agents: 12 });
      fake.limits = { perMinute: 100_000, incrementalPerMinute: 100_000, windowMs: 60_000 };
      await fake.start();
      return { baseUrl: fake.baseUrl, stop: () => fake.stop() };
    },
  },
  {
    // Ticket lists are paced at one every 7 s: docs/connectors/freshdesk.md sets the budget.
    name: 'freshdesk',
    requestBudgetMs: 8000,
    auth: freshdeskCredentials(0),
    types: ['ticket'],
    start: async () => {
      const fake = new FakeFreshdesk({ contacts: 600, agents: 10 });
      fake.limits = {
        perMinute: 100_000,
        contactsListPerMinute: 100_000,
        ticketsListPerMinute: 100_000,
        ticketCreatePerMinute: 100_000,
        windowMs: 60_000,
      };
      await fake.start();
      return { baseUrl: fake.baseUrl, stop: () => fake.stop() };
    },
  },
  {
    // HubSpot's real limits stay on (5 searches a second per token): the manifest paces them.
    name: 'hubspot',
    auth: { access_token: HUBSPOT_PORTALS[0].token },
    types: ['ticket', 'note', 'call', 'task'],
    start: async () => {
      const fake = new FakeHubSpot({ contacts: 600 });
      await fake.start();
      return { baseUrl: fake.baseUrl, stop: () => fake.stop() };
    },
  },
  {
    name: 'salesforce',
    auth: {},
    types: ['case', 'task', 'call'],
    start: async () => {
      const fake = new FakeSalesforce({ contacts: 600 });
      await fake.start();
      const manifest = localManifest('connectors/salesforce.yaml', {
        'https://login.salesforce.com': fake.login.origin,
      });
      const org = fake.org(0);
      return {
        manifest,
        auth: { access_token: org.accessToken, instance_url: org.instanceUrl },
        stop: () => fake.stop(),
      };
    },
  },
  {
    name: 'dynamics365',
    auth: {},
    // An altered environment URL names no environment at all: only the token is made wrong.
    keepAuthFields: ['organization_url'],
    types: ['case', 'task', 'call'],
    start: async () => {
      const fake = new FakeDynamics365({ contacts: 600 });
      await fake.start();
      return {
        manifest: localManifest('connectors/dynamics365.yaml'),
        auth: { access_token: DATAVERSE_ORGS[0].accessToken, organization_url: fake.orgUrl(0) },
        stop: () => fake.stop(),
      };
    },
  },
  {
    name: 'pipedrive',
    auth: pipedriveCredentials(0),
    types: ['call', 'meeting', 'task', 'note'],
    start: async () => {
      const fake = new FakePipedrive({ persons: 600, users: 8 });
      fake.limits = { perWindow: 100_000, searchPerWindow: 100_000, windowMs: 2_000 };
      await fake.start();
      return { baseUrl: fake.baseUrl, stop: () => fake.stop() };
    },
  },
];

describe.each(vendors)('Talkdesk simulator over connectors/$name.yaml', (vendor) => {
  let app: NestFastifyApplication;
  let url: string;
  let dataDir: string;
  let upstream: Upstream;

  beforeAll(async () => {
    upstream = await vendor.start();
    dataDir = mkdtempSync(join(tmpdir(), `bridge-${vendor.name}-`));
    app = await createApp(
      loadConfig(
        {},
        {
          dataDir,
          logLevel: 'silent',
          connector: 'rest',
          ...(vendor.requestBudgetMs && { requestBudgetMs: vendor.requestBudgetMs }),
          connectorManifest: upstream.manifest?.path ?? `connectors/${vendor.name}.yaml`,
          ...(upstream.baseUrl && { connectorBaseUrl: upstream.baseUrl }),
        },
      ),
    );
    await app.listen({ port: 0, host: '127.0.0.1' });
    url = await app.getUrl();
  });
  afterAll(async () => {
    await app?.close();
    await upstream?.stop();
    upstream?.manifest?.remove();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('finds no violation: auth, full and incremental contacts, agents, interactions', async () => {
    const report = await simulate({
      url,
      auth: upstream.auth ?? vendor.auth,
      ...(vendor.keepAuthFields && { keepAuthFields: vendor.keepAuthFields }),
      interactionTypes: vendor.types,
      interactionSamples: 4,
    });
    expect(report.violations).toEqual([]);
    expect(report.passed).toBe(true);
    expect(typeof report.checkpoint).toBe('string');
  });
});
