/**
 * How long a full sync of 10,000 contacts takes through each vendor manifest when the vendor's
 * stand-in plays its real documented rate limits (the plan each manifest is paced for) and the
 * manifest's pacing is on: a Talkdesk-like client asks page after page and, answered 503 or
 * 429 with Retry-After, waits that long and asks again. Wall time, not CPU time: the limits set
 * the pace. Each vendor run is bounded (VENDOR_SYNC_BOUND_S, 600 s by default); one that does
 * not end in time is reported as such.
 *
 *   npm run bench:vendor-sync-time [-- zendesk freshdesk ...]
 *
 * REQUEST_BUDGET_MS sets the bridge's budget (a vendor page may recommend more than the 5 s
 * default); VENDOR_SYNC_PAGE_SIZE the Talkdesk page (1000 by default).
 */
import { loadavg } from 'node:os';
import { execSync } from 'node:child_process';
import { localManifest } from '../test/support/local-manifest';
import { startTestApp, TestApp } from '../test/support/test-app';
import { FakeDynamics365, DATAVERSE_ORGS } from '../test/support/upstreams/fake-dynamics365';
import { FakeFreshdesk, FRESHDESK_GROWTH } from '../test/support/upstreams/fake-freshdesk';
import { freshdeskCredentials } from '../test/support/upstreams/fake-freshdesk-data';
import { FakeHubSpot, HUBSPOT_PORTALS } from '../test/support/upstreams/fake-hubspot';
import { FakePipedrive } from '../test/support/upstreams/fake-pipedrive';
import { pipedriveCredentials } from '../test/support/upstreams/fake-pipedrive-data';
import { FakeSalesforce } from '../test/support/upstreams/fake-salesforce';
import { FakeZendesk } from '../test/support/upstreams/fake-zendesk';
import { zendeskCredentials } from '../test/support/upstreams/fake-zendesk-data';

const CONTACTS = 10_000;
const PAGE_SIZE = Number(process.env.VENDOR_SYNC_PAGE_SIZE ?? 1000);
const BOUND_MS = Number(process.env.VENDOR_SYNC_BOUND_S ?? 600) * 1000;

interface Vendor {
  start(): Promise<{
    app: TestApp;
    auth: Record<string, unknown>;
    requests: () => number;
    rateLimited: () => number;
    stop: () => Promise<void>;
  }>;
}

const app = (manifest: string, baseUrl?: string) =>
  startTestApp({
    connector: 'rest',
    connectorManifest: manifest,
    ...(baseUrl && { connectorBaseUrl: baseUrl }),
    contactsPageSize: PAGE_SIZE,
    logLevel: 'silent',
    // The budget the vendor's docs page says to set (REQUEST_BUDGET_MS), else the default.
    ...(process.env.REQUEST_BUDGET_MS && {
      requestBudgetMs: Number(process.env.REQUEST_BUDGET_MS),
    }),
  });

const VENDORS: Record<string, Vendor> = {
  hubspot: {
    async start() {
      const hs = new FakeHubSpot({ contacts: CONTACTS });
      await hs.start();
      const t = await app('connectors/hubspot.yaml', hs.baseUrl);
      return {
        app: t,
        auth: { access_token: HUBSPOT_PORTALS[0].token },
        requests: () => hs.server.requests.length,
        rateLimited: () => hs.rateLimitedCount,
        stop: async () => {
          await t.close();
          await hs.stop();
        },
      };
    },
  },
  salesforce: {
    async start() {
      const sf = new FakeSalesforce({ contacts: CONTACTS });
      await sf.start();
      const manifest = localManifest('connectors/salesforce.yaml', {
        'https://login.salesforce.com': sf.login.origin,
      });
      const t = await app(manifest.path);
      const ok = await t.post('/auth/validate', { auth: { access_token: sf.org(0).accessToken } });
      return {
        app: t,
        auth: { access_token: sf.org(0).accessToken, instance_url: ok.body.instance_url },
        requests: () => sf.requests.length,
        rateLimited: () => 0,
        stop: async () => {
          await t.close();
          await sf.stop();
          manifest.remove();
        },
      };
    },
  },
  zendesk: {
    async start() {
      const zd = new FakeZendesk({ endUsers: CONTACTS, agents: 12 });
      // "Rate limits": Team, 200 a minute (the plan the manifest is paced for); the export's 10.
      zd.limits = { perMinute: 200, incrementalPerMinute: 10, windowMs: 60_000 };
      await zd.start();
      const t = await app('connectors/zendesk.yaml', zd.baseUrl);
      return {
        app: t,
        auth: zendeskCredentials(0),
        requests: () => zd.server.requests.length,
        rateLimited: () => zd.rateLimited,
        stop: async () => {
          await t.close();
          await zd.stop();
        },
      };
    },
  },
  freshdesk: {
    async start() {
      const fd = new FakeFreshdesk({ contacts: CONTACTS, agents: 10 });
      fd.limits = { ...FRESHDESK_GROWTH };
      await fd.start();
      const t = await app('connectors/freshdesk.yaml', fd.baseUrl);
      return {
        app: t,
        auth: freshdeskCredentials(0),
        requests: () => fd.server.requests.length,
        rateLimited: () => fd.rateLimited,
        stop: async () => {
          await t.close();
          await fd.stop();
        },
      };
    },
  },
  pipedrive: {
    async start() {
      const pd = new FakePipedrive({ persons: CONTACTS, users: 8 });
      await pd.start();
      const t = await app('connectors/pipedrive.yaml', pd.baseUrl);
      return {
        app: t,
        auth: pipedriveCredentials(0),
        requests: () => pd.server.requests.length,
        rateLimited: () => pd.rateLimited,
        stop: async () => {
          await t.close();
          await pd.stop();
        },
      };
    },
  },
  dynamics365: {
    async start() {
      const dv = new FakeDynamics365({ contacts: CONTACTS });
      await dv.start();
      const manifest = localManifest('connectors/dynamics365.yaml');
      const t = await app(manifest.path);
      return {
        app: t,
        auth: { access_token: DATAVERSE_ORGS[0].accessToken, organization_url: dv.orgUrl(0) },
        requests: () => dv.server.requests.length,
        rateLimited: () => 0,
        stop: async () => {
          await t.close();
          await dv.stop();
          manifest.remove();
        },
      };
    },
  },
};

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** One full sync as Talkdesk asks it, honouring Retry-After; bounded by BOUND_MS. */
async function fullSync(t: TestApp, auth: Record<string, unknown>) {
  const started = Date.now();
  let meta: Record<string, unknown> | undefined;
  const ids = new Set<string>();
  let contacts = 0;
  let pages = 0;
  let waits = 0;
  for (;;) {
    if (Date.now() - started > BOUND_MS) return { done: false, ids, contacts, pages, waits };
    const res = await t.post('/contacts/sync', { auth, ...(meta && { meta }) });
    if (res.status === 503 || res.status === 429) {
      waits++;
      await sleep(Math.max(1, Number(res.headers['retry-after'] ?? 1)) * 1000);
      continue;
    }
    if (res.status !== 200) throw new Error(`page ${pages + 1}: ${res.status} ${res.payload}`);
    pages++;
    for (const c of res.body.contacts as { id: string }[]) ids.add(c.id);
    contacts += res.body.contacts.length;
    if (!res.body.next_offset) return { done: true, ids, contacts, pages, waits };
    meta = {
      synchronization_checkpoint: null,
      offset: res.body.next_offset,
      context: res.body.context,
    };
  }
}

async function main(): Promise<void> {
  const only = process.argv.slice(2).filter((a) => !a.startsWith('-'));
  const names = only.length ? only : Object.keys(VENDORS);
  const commit = execSync('git rev-parse --short HEAD').toString().trim();
  console.log(
    `vendor sync time: ${CONTACTS} contacts, Talkdesk pages of ${PAGE_SIZE}, bound ${BOUND_MS / 1000} s, commit ${commit}`,
  );
  for (const name of names) {
    const vendor = VENDORS[name];
    if (!vendor)
      throw new Error(`unknown vendor ${name} (known: ${Object.keys(VENDORS).join(', ')})`);
    const run = await vendor.start();
    const before = { requests: run.requests(), limited: run.rateLimited() };
    const load = loadavg()[0].toFixed(2);
    const t0 = Date.now();
    try {
      const r = await fullSync(run.app, run.auth);
      const seconds = ((Date.now() - t0) / 1000).toFixed(1);
      console.log(
        JSON.stringify({
          vendor: name,
          done: r.done,
          seconds: Number(seconds),
          contacts: r.contacts,
          distinct: r.ids.size,
          talkdeskPages: r.pages,
          retryAfterWaits: r.waits,
          upstreamRequests: run.requests() - before.requests,
          upstream429s: run.rateLimited() - before.limited,
          loadAverageAtStart: Number(load),
          loadAverageAtEnd: Number(loadavg()[0].toFixed(2)),
        }),
      );
    } finally {
      await run.stop();
    }
  }
}

void main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
