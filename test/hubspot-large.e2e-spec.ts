import { decodeCheckpoint } from '../src/contacts/contact-sync-tokens';
import { syncContacts, tokensOf } from './support/talkdesk';
import { startTestApp, TestApp } from './support/test-app';
import { FakeHubSpot, HUBSPOT_PORTALS } from './support/upstreams/fake-hubspot';

/**
 * An account past the search's cap, under HubSpot's real limits (the stand-in's 5 searches a
 * second, 190 requests per 10 seconds; the manifest's pacing of 4 a second): full syncs through
 * the list endpoint, and an incremental sync of more changes than one search can page through.
 * Each sync takes about 20 s on two cores at a load of 10 (mostly paced waits, the rest CPU a
 * busy machine stretches): jest's timeouts leave it many times that.
 */
describe('HubSpot (connectors/hubspot.yaml): 12,000 contacts', () => {
  const CONTACTS = 12_000;
  const CHANGED = 10_500;
  /** Talkdesk pages of 250: most end inside a list page of 100, kept for the next one. */
  const PAGE = 250;
  let hubspot: FakeHubSpot;
  let t: TestApp;
  const auth = { access_token: HUBSPOT_PORTALS[0].token };
  const requestsTo = (method: string, path: string) =>
    hubspot.server.requests.filter((r) => r.method === method && r.path === path).length;
  const lists = () => requestsTo('GET', '/crm/v3/objects/contacts');
  const listRequests = () =>
    hubspot.server.requests.filter(
      (r) => r.method === 'GET' && r.path === '/crm/v3/objects/contacts',
    );
  const searches = () => requestsTo('POST', '/crm/v3/objects/contacts/search');
  let fullCheckpoint: string;

  beforeAll(async () => {
    hubspot = new FakeHubSpot({ contacts: CONTACTS });
    // The list endpoint goes by id; update times that do not follow it.
    hubspot.contacts(0).forEach((c, i) => {
      if (i % 5 === 0) hubspot.change(0, c.id, {}, c.updatedAt - (i + 1) * 60_000);
    });
    await hubspot.start();
    t = await startTestApp({
      connector: 'rest',
      connectorManifest: 'connectors/hubspot.yaml',
      connectorBaseUrl: hubspot.baseUrl,
      contactsPageSize: PAGE,
      incrementalLookbackSeconds: 0,
    });
  }, 300_000);
  afterAll(async () => {
    await t?.close();
    await hubspot?.stop();
  });

  it('a full sync reads the list endpoint: every contact exactly once, in the fewest requests', async () => {
    const [beforeLists, beforeSearches, refused] = [lists(), searches(), hubspot.rateLimitedCount];
    const started = Date.now();

    const run = await syncContacts(t, auth);

    const ms = Date.now() - started;
    const ids = run.contacts.map((c) => c.id);
    expect(ids).toHaveLength(CONTACTS);
    expect(new Set(ids)).toEqual(new Set(hubspot.contacts(0).map((c) => c.id)));
    const used = lists() - beforeLists;
    const minimum = Math.ceil(CONTACTS / 100);
    console.log(
      `HubSpot full sync of ${CONTACTS}: ${ids.length} contacts (${ids.length - new Set(ids).size} duplicated), ${used} list requests (minimum ${minimum}), ${hubspot.rateLimitedCount - refused} answered 429, ${ms} ms`,
    );
    expect(used).toBeLessThanOrEqual(minimum + 1);
    expect(searches()).toBe(beforeSearches);
    // One checkpoint, at the end: the instant the run started reading, before its first list
    // request reached the stand-in (whenever a busy machine sent it).
    expect(run.pages.slice(0, -1).every((p) => !p.body.synchronization_checkpoint)).toBe(true);
    const checkpoint = decodeCheckpoint(await tokensOf(t, auth), run.checkpoint)!;
    expect(checkpoint.readTo).toBeGreaterThanOrEqual(started - 1);
    expect(checkpoint.readTo).toBeLessThanOrEqual(listRequests()[beforeLists].at);
    fullCheckpoint = run.checkpoint!;
  }, 600_000);

  it('an incremental sync of 10,500 changed contacts completes through window restarts: each changed contact exactly once', async () => {
    const contacts = hubspot.contacts(0);
    // Changed after the full sync, ten in each millisecond, in an order unrelated to their ids.
    const changed = contacts.filter((_, i) => (i * 7) % 8 !== 0).slice(0, CHANGED);
    expect(changed).toHaveLength(CHANGED);
    const from = Date.now();
    [...changed]
      .reverse()
      .forEach((c, k) =>
        hubspot.change(0, c.id, { jobtitle: `Changed ${k}` }, from + Math.floor(k / 10)),
      );
    while (Date.now() <= from + CHANGED / 10 + 5) await new Promise((r) => setTimeout(r, 50));
    const [beforeSearches, refused, capped] = [
      searches(),
      hubspot.rateLimitedCount,
      hubspot.cappedSearchCount,
    ];
    const started = Date.now();

    const run = await syncContacts(t, auth, fullCheckpoint);

    const ms = Date.now() - started;
    const ids = run.contacts.map((c) => c.id);
    const duplicated = ids.length - new Set(ids).size;
    const used = searches() - beforeSearches;
    console.log(
      `HubSpot incremental of ${CHANGED} changed: ${ids.length} contacts (${duplicated} duplicated), ${used} searches (fewest in one query ${Math.ceil(CHANGED / 200)}), ${hubspot.rateLimitedCount - refused} answered 429, ${ms} ms`,
    );
    expect(new Set(ids)).toEqual(new Set(changed.map((c) => c.id)));
    expect(duplicated).toBe(0);
    // No search paged past the cap: the query was issued again instead.
    expect(hubspot.cappedSearchCount).toBe(capped);
    const restarts = hubspot.server.requests
      .filter((r) => r.path === '/crm/v3/objects/contacts/search')
      .slice(beforeSearches)
      .filter((r, i) => i > 0 && r.body?.after === undefined);
    expect(restarts.length).toBeGreaterThanOrEqual(1);
    // In (update time, id) order, the last changed contact's position as the checkpoint.
    const checkpoint = decodeCheckpoint(await tokensOf(t, auth), run.checkpoint)!;
    expect(checkpoint.updatedAt).toBe(from + Math.floor((CHANGED - 1) / 10));
  }, 600_000);
});
