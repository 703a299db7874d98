import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { createApp } from '../src/bootstrap';
import { loadConfig } from '../src/config/app-config';
import { simulate } from '../src/simulator/simulator';
import { FakeFreshdesk } from './support/upstreams/fake-freshdesk';
import { freshdeskCredentials } from './support/upstreams/fake-freshdesk-data';
import { FakePipedrive } from './support/upstreams/fake-pipedrive';
import { pipedriveCredentials } from './support/upstreams/fake-pipedrive-data';
import { FakeZendesk } from './support/upstreams/fake-zendesk';
import { zendeskCredentials } from './support/upstreams/fake-zendesk-data';

/** The Talkdesk simulator against the bridge on a port, over each vendor manifest and stand-in. */

interface Vendor {
  name: string;
  start: () => Promise<{ baseUrl: string; stop: () => Promise<void> }>;
  auth: Record<string, unknown>;
  types: string[];
}

const vendors: Vendor[] = [
  {
    name: 'zendesk',
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
    name: 'freshdesk',
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
  let upstream: { baseUrl: string; stop: () => Promise<void> };

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
          connectorManifest: `connectors/${vendor.name}.yaml`,
          connectorBaseUrl: upstream.baseUrl,
        },
      ),
    );
    await app.listen({ port: 0, host: '127.0.0.1' });
    url = await app.getUrl();
  });
  afterAll(async () => {
    await app?.close();
    await upstream?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('finds no violation: auth, full and incremental contacts, agents, interactions', async () => {
    const report = await simulate({
      url,
      auth: vendor.auth,
      interactionTypes: vendor.types,
      interactionSamples: 4,
    });
    expect(report.violations).toEqual([]);
    expect(report.passed).toBe(true);
    expect(typeof report.checkpoint).toBe('string');
  });
});
