import { localManifest } from './support/local-manifest';
import { startTestApp, TestApp } from './support/test-app';
import { FakeHubSpot, HUBSPOT_PORTALS } from './support/upstreams/fake-hubspot';

/**
 * HubSpot's CRM search limit (5 requests a second per token, over every search endpoint
 * together: the stand-in plays it as the CRM search guide's "Limitations" says) against the
 * manifest's pacing: every search request names the key `crm-search`, so an interaction lookup
 * (the contact's search, then the tickets, notes, calls and tasks searches) and the next one
 * are counted in one window. The same manifest with each search paced on its own is answered
 * 429s by the stand-in.
 */
describe('HubSpot: one pacing window for every CRM search endpoint', () => {
  const auth = { access_token: HUBSPOT_PORTALS[0].token };
  let hubspot: FakeHubSpot;
  let shipped: TestApp;
  let separate: TestApp;
  const unkeyed = localManifest('connectors/hubspot.yaml', { ', key: crm-search': '' });

  const start = (connectorManifest: string) =>
    startTestApp({
      connector: 'rest',
      connectorManifest,
      connectorBaseUrl: hubspot.baseUrl,
      logLevel: 'silent',
    });

  /** Three lookups by email, each five searches on five endpoints: in a row, or all at once. */
  const lookups = async (t: TestApp, { atOnce = false } = {}) => {
    const emails = hubspot
      .contacts(0)
      .filter((c) => c.properties.email)
      .slice(0, 3)
      .map((c) => c.properties.email!);
    const lookup = async (email: string) => {
      const res = await t.post('/interactions/retrieve', {
        auth,
        meta: { interaction_types: ['ticket', 'note', 'call', 'task'] },
        data: { contact_emails: [email], contact_phones: [] },
      });
      expect(res.status).toBe(200);
    };
    if (atOnce) await Promise.all(emails.map(lookup));
    else for (const email of emails) await lookup(email);
  };
  const searchPaths = (from: number) =>
    new Set(
      hubspot.server.requests
        .slice(from)
        .filter((r) => r.path.endsWith('/search'))
        .map((r) => r.path),
    );

  beforeAll(async () => {
    hubspot = new FakeHubSpot({ contacts: 50 });
    await hubspot.start();
    shipped = await start('connectors/hubspot.yaml');
    separate = await start(unkeyed.path);
  });
  afterAll(async () => {
    await shipped?.close();
    await separate?.close();
    await hubspot?.stop();
    unkeyed.remove();
  });

  it('as shipped: fifteen searches over five endpoints, none answered 429', async () => {
    const [from, refused] = [hubspot.server.requests.length, hubspot.rateLimitedCount];
    await lookups(shipped);
    expect(searchPaths(from).size).toBe(5);
    expect(hubspot.rateLimitedCount - refused).toBe(0);
  });

  it('each search endpoint paced on its own: the stand-in answers 429s', async () => {
    // A second past the last test's searches, so that they do not count here.
    await new Promise((resolve) => setTimeout(resolve, 1100));
    const refused = hubspot.rateLimitedCount;
    // At once, so that more than five searches come within a second however slowly each lookup
    // runs: the contact searches, paced on their own endpoint, 250 ms apart, each followed by
    // its four searches at once (one after another, a lookup slower than a second on a busy
    // machine left every second at five).
    await lookups(separate, { atOnce: true });
    expect(hubspot.rateLimitedCount - refused).toBeGreaterThan(0);
  });
});
