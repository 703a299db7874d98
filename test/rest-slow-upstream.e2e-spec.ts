import { syncContacts } from './support/talkdesk';
import { startTestApp, TestApp } from './support/test-app';
import { FakeRequest } from './support/upstreams/fake-http';
import { credentialsOf, FakeHelpdesk } from './support/upstreams/fake-helpdesk';

/**
 * A slow upstream (small pages, each answered late): a batch that cannot be filled within the
 * request's budget is answered with what was read and a `next_offset`, never a 504, and the
 * synchronization, followed to its end, still delivers every contact exactly once.
 */
describe('REST connector over a slow upstream', () => {
  let helpdesk: FakeHelpdesk;
  let t: TestApp;
  const acme = credentialsOf(0);
  const isExport = (req: FakeRequest) => req.path.endsWith('/contacts/export');

  beforeAll(async () => {
    helpdesk = new FakeHelpdesk({ contacts: 24 });
    await helpdesk.start();
    t = await startTestApp({
      connector: 'rest',
      connectorManifest: 'connectors/helpdesk.yaml',
      connectorBaseUrl: helpdesk.baseUrl,
      logLevel: 'silent',
      requestBudgetMs: 1500,
      credentialsCacheSeconds: 60,
      contactsPageSize: 25,
    });
    // Credentials checked (and cached) first, so that the export is what is slow.
    expect((await t.post('/auth/validate', { auth: acme })).status).toBe(200);
    helpdesk.exportMaxPageSize = 3;
    helpdesk.server.slowness = { match: isExport, ms: 400 };
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
