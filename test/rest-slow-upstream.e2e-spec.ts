import { AppConfig } from '../src/config/app-config';
import { syncContacts } from './support/talkdesk';
import { startTestApp, TestApp } from './support/test-app';
import { FakeHttpServer, FakeRequest } from './support/upstreams/fake-http';
import { FakeFreshdesk } from './support/upstreams/fake-freshdesk';
import { freshdeskCredentials } from './support/upstreams/fake-freshdesk-data';
import { credentialsOf, FakeHelpdesk } from './support/upstreams/fake-helpdesk';

/**
 * A slow upstream (small pages, each answered late): a batch that cannot be filled within the
 * request's budget is answered with what was read and a `next_offset`, never a 504, and the
 * synchronization, followed to its end, still delivers every contact exactly once.
 */

/** How late each listing request is answered, and the request budget it is read under. */
const SLOW_MS = 400;
const BUDGET_MS = 1500;

/**
 * The bridge over `manifest` and a started stand-in whose requests that `listing` matches are
 * answered SLOW_MS late, once the credentials were checked (and cached), so that the listing
 * is what is slow.
 */
async function startOverSlowListing(
  upstream: { baseUrl: string; server: FakeHttpServer },
  manifest: string,
  validation: { auth: Record<string, unknown>; status: number },
  listing: (req: FakeRequest) => boolean,
  overrides: Partial<AppConfig> = {},
): Promise<TestApp> {
  const t = await startTestApp({
    connector: 'rest',
    connectorManifest: manifest,
    connectorBaseUrl: upstream.baseUrl,
    logLevel: 'silent',
    requestBudgetMs: BUDGET_MS,
    credentialsCacheSeconds: 60,
    ...overrides,
  });
  expect((await t.post('/auth/validate', { auth: validation.auth })).status).toBe(
    validation.status,
  );
  upstream.server.slowness = { match: listing, ms: SLOW_MS };
  return t;
}
describe('REST connector over a slow upstream', () => {
  let helpdesk: FakeHelpdesk;
  let t: TestApp;
  const acme = credentialsOf(0);
  const isExport = (req: FakeRequest) => req.path.endsWith('/contacts/export');

  beforeAll(async () => {
    helpdesk = new FakeHelpdesk({ contacts: 24 });
    await helpdesk.start();
    t = await startOverSlowListing(
      helpdesk,
      'connectors/helpdesk.yaml',
      { auth: acme, status: 200 },
      isExport,
      { contactsPageSize: 25 },
    );
    helpdesk.exportMaxPageSize = 3;
  });
  afterAll(async () => {
    await t?.close();
    await helpdesk?.stop();
  });

  it('answers a short page with a next_offset instead of 504, and the run sends every contact once', async () => {
    const first = await t.post('/contacts/sync', { auth: acme });
    expect(first.status).toBe(200);
    expect(first.body.contacts.length).toBeGreaterThan(0);
    expect(first.body.contacts.length).toBeLessThan(24);
    expect(typeof first.body.next_offset).toBe('string');

    const run = await syncContacts(t, acme);
    const ids = run.contacts.map((c) => c.id);
    expect(run.pages.length).toBeGreaterThan(1);
    expect(new Set(ids).size).toBe(ids.length);
    expect([...ids].sort()).toEqual(
      helpdesk
        .account(0)
        .contacts.map((c) => String(c.id))
        .sort(),
    );
  });
});

/**
 * The same over date-range slices (Freshdesk): a slice must be read whole before any of it is
 * sent, so a batch out of time keeps the pages it read and answers, and the next goes on.
 */
describe('REST connector over a slow upstream, in date-range slices', () => {
  let fd: FakeFreshdesk;
  let t: TestApp;
  const initech = freshdeskCredentials(0);
  const isSearch = (req: FakeRequest) => req.path.endsWith('/api/v2/search/contacts');

  beforeAll(async () => {
    fd = new FakeFreshdesk({ contacts: 120, agents: 1 });
    await fd.start();
    t = await startOverSlowListing(
      fd,
      'connectors/freshdesk.yaml',
      { auth: initech, status: 204 },
      isSearch,
    );
  });
  afterAll(async () => {
    await t?.close();
    await fd?.stop();
  });

  it('answers short pages with a next_offset instead of 504, and the run sends every contact once', async () => {
    const run = await syncContacts(t, initech);
    const ids = run.contacts.map((c) => c.id);
    const live = fd.account(0).contacts.filter((c) => !c.deleted);
    // More than one Talkdesk page, though all of them fit one.
    expect(run.pages.length).toBeGreaterThan(1);
    expect(new Set(ids).size).toBe(ids.length);
    expect([...ids].sort()).toEqual(live.map((c) => String(c.id)).sort());
    // The pages a late batch read are kept: a page is asked twice only when the budget of a
    // Talkdesk page ran out while it was on its way (that request is abandoned).
    const pages = fd.server.requests.filter(isSearch).map((r) => r.url.search);
    expect(pages.length - new Set(pages).size).toBeLessThanOrEqual(run.pages.length - 1);
  });
});
