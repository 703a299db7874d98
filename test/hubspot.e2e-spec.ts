import { ResumeState } from '../src/connectors/ports';
import {
  decodeCheckpoint,
  decodeOffsetState,
  encodeOffsetState,
} from '../src/contacts/contact-sync-tokens';
import { expectError, nextPages, syncAgents, syncContacts, tokensOf } from './support/talkdesk';
import { startTestApp, TestApp } from './support/test-app';
import {
  FakeHubSpot,
  HUBSPOT_EXPIRED_TOKEN,
  HUBSPOT_PORTALS,
} from './support/upstreams/fake-hubspot';
import { searchablePhone } from './support/upstreams/fake-hubspot-data';

/** The whole bridge over connectors/hubspot.yaml and the HubSpot stand-in. */
describe('HubSpot (connectors/hubspot.yaml)', () => {
  const CONTACTS = 1200;
  let hubspot: FakeHubSpot;
  let t: TestApp;
  const auth = { access_token: HUBSPOT_PORTALS[0].token };
  const searches = () =>
    hubspot.server.requests.filter((r) => r.path === '/crm/v3/objects/contacts/search').length;
  const lists = () =>
    hubspot.server.requests.filter(
      (r) => r.method === 'GET' && r.path === '/crm/v3/objects/contacts',
    ).length;

  beforeAll(async () => {
    hubspot = new FakeHubSpot({ contacts: CONTACTS });
    await hubspot.start();
    t = await startTestApp({
      connector: 'rest',
      connectorManifest: 'connectors/hubspot.yaml',
      connectorBaseUrl: hubspot.baseUrl,
      contactsPageSize: 250,
    });
  });
  afterAll(async () => {
    await t?.close();
    await hubspot?.stop();
  });

  it('validates the token: 200 with the portal id; 401 for an expired one', async () => {
    const ok = await t.post('/auth/validate', { auth });
    expect(ok.status).toBe(200);
    expect(ok.body).toEqual({ portal_id: HUBSPOT_PORTALS[0].portalId });
    expectError(
      await t.post('/auth/validate', { auth: { access_token: HUBSPOT_EXPIRED_TOKEN } }),
      401,
    );
    expectError(
      await t.post('/contacts/sync', { auth: { access_token: HUBSPOT_EXPIRED_TOKEN } }),
      401,
    );
  });

  it('a full sync reads the list endpoint: every contact exactly once, phones in E.164, one checkpoint at the end', async () => {
    const [beforeLists, beforeSearches] = [lists(), searches()];
    const refused = hubspot.rateLimitedCount;
    const run = await syncContacts(t, auth);
    const ids = run.contacts.map((c) => c.id);
    expect(ids).toHaveLength(CONTACTS);
    expect(new Set(ids).size).toBe(CONTACTS);
    const typed = hubspot.contacts(0).find((c) => c.properties.phone?.startsWith('('))!;
    const synced = run.contacts.find((c) => c.id === typed.id);
    expect(synced.phones[0]).toMatch(/^\+1\d{10}$/);
    const used = lists() - beforeLists;
    console.log(
      `HubSpot full sync of ${CONTACTS}: ${used} list requests, ${hubspot.rateLimitedCount - refused} answered 429 (minimum ${Math.ceil(CONTACTS / 100)})`,
    );
    // A Talkdesk page ending inside a list page does not make the next one read it again.
    expect(used).toBeLessThanOrEqual(Math.ceil(CONTACTS / 100) + 1);
    expect(searches()).toBe(beforeSearches);
    expect(run.pages.slice(0, -1).every((p) => !p.body.synchronization_checkpoint)).toBe(true);
    expect(run.checkpoint).toBeDefined();
  });

  it('an offset issued before upstream pages were kept (no carry id) continues the run', async () => {
    const before = lists() + searches();
    const first = await t.post('/contacts/sync', { auth });
    const tokens = await tokensOf(t, auth);
    const offset = decodeOffsetState(tokens, first.body.next_offset)!;
    const earlier = { ...(offset.resume as Record<string, ResumeState>) };
    expect(typeof earlier.c).toBe('string');
    delete earlier.c;
    const rest = await nextPages(t, auth, {
      ...first,
      body: {
        ...first.body,
        next_offset: encodeOffsetState(tokens, { ...offset, resume: earlier }),
      },
    });
    const ids = [...first.body.contacts, ...rest.flatMap((p) => p.body.contacts)].map(
      (c: { id: string }) => c.id,
    );
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toHaveLength(hubspot.contacts(0).length);
    // The list page the first Talkdesk page ended in is read again, once: one request more.
    expect(lists() + searches() - before).toBeLessThanOrEqual(Math.ceil(CONTACTS / 100) + 1 + 1);
  });

  it('an incremental sync after changes brings exactly the changed and new contacts', async () => {
    const first = await syncContacts(t, auth);
    const changed = hubspot.contacts(0).slice(10, 13);
    const at = Date.now() - 5_000;
    changed.forEach((c, i) => hubspot.change(0, c.id, { jobtitle: `Changed ${i}` }, at + i));
    const added = hubspot.addContact(
      0,
      {
        firstname: 'New',
        lastname: 'Person',
        email: 'new.person@example.com',
        phone: '(415) 555-0100',
      },
      at + 10,
    );
    const before = searches();
    const next = await syncContacts(t, auth, first.checkpoint);
    const ids = next.contacts.map((c) => c.id);
    expect(new Set(ids)).toEqual(new Set([...changed.map((c) => c.id), added.id]));
    // The changes fit one search page.
    expect(searches() - before).toBeLessThanOrEqual(1 + 1);
    expect(next.contacts.find((c) => c.id === changed[0].id).title).toBe('Changed 0');
  });

  it('agents: owners with an email, queues (no email) skipped', async () => {
    const { agents } = await syncAgents(t, auth);
    const owners = hubspot.portal(0).owners.filter((o) => !o.archived);
    expect(agents.map((a) => a.id).sort()).toEqual(
      owners
        .filter((o) => o.email)
        .map((o) => o.id)
        .sort(),
    );
    expect(agents.every((a) => typeof a.email === 'string' && a.email.includes('@'))).toBe(true);
  });

  it("interactions: the contact's tickets, notes, calls and tasks, in Talkdesk's enumerations, by id and by email", async () => {
    const contact = hubspot.contacts(0).find((c) => c.contactIds.length > 0 && c.properties.email)!;
    const byId = await t.post('/interactions/retrieve', {
      auth,
      meta: { interaction_types: ['ticket', 'note', 'call', 'task'] },
      data: { contact_external_id: contact.id, contact_emails: [], contact_phones: [] },
    });
    expect(byId.status).toBe(200);
    expect(byId.body.map((i: any) => i.type).sort()).toEqual(['call', 'note', 'task', 'ticket']);
    for (const i of byId.body) {
      expect(['none', 'low', 'normal', 'high', 'urgent']).toContain(i.priority);
      expect(['new', 'open', 'pending', 'solved', 'closed']).toContain(i.status);
    }
    const byEmail = await t.post('/interactions/retrieve', {
      auth,
      meta: { interaction_types: ['ticket'] },
      data: { contact_emails: [contact.properties.email!.toUpperCase()], contact_phones: [] },
    });
    expect(byEmail.body.map((i: any) => i.type)).toEqual(['ticket']);
  });

  it("interactions by phone: the caller's E.164 number finds the contact whose phone was typed by hand", async () => {
    const contacts = hubspot.contacts(0);
    const national = (c: (typeof contacts)[number]) => searchablePhone(c.properties.phone) ?? '';
    const contact = contacts.find(
      (c) =>
        c.contactIds.length > 0 &&
        /^\d{10}$/.test(national(c)) &&
        c.properties.phone !== '+1' + national(c) &&
        contacts.filter((o) => national(o) === national(c)).length === 1,
    )!;
    const e164 = '+1' + national(contact);
    const byPhone = await t.post('/interactions/retrieve', {
      auth,
      meta: { interaction_types: ['ticket'] },
      data: { contact_emails: [], contact_phones: [e164] },
    });
    expect(byPhone.status).toBe(200);
    const byId = await t.post('/interactions/retrieve', {
      auth,
      meta: { interaction_types: ['ticket'] },
      data: { contact_external_id: contact.id, contact_emails: [], contact_phones: [] },
    });
    expect(byPhone.body.length).toBeGreaterThan(0);
    expect(byPhone.body).toEqual(byId.body);
  });

  it('the log_note action adds a note associated with the caller', async () => {
    const contact = hubspot.contacts(0)[5];
    const res = await t.post('/actions/log_note', {
      auth,
      meta: { contact_external_id: contact.id },
      data: { body: 'Called about the refund' },
    });
    expect(res.status).toBe(201);
    const note = hubspot.portal(0).objects.get('notes')!.get(res.body.external_id)!;
    expect(note.properties.hs_note_body).toBe('Called about the refund');
    expect(note.contactIds).toEqual([contact.id]);
    const refused = await t.post('/actions/log_note', {
      auth,
      meta: { contact_external_id: '999999999' },
      data: { body: 'x' },
    });
    expect(refused.status).toBe(400);
    expect(refused.body.message).toContain('Invalid association');
  });

  it('syncs whose requests are refused with 429 (no Retry-After) three times in a row complete: the list endpoint in a full sync, the search in an incremental one', async () => {
    const list = (r: { method: string; path: string }) =>
      r.method === 'GET' && r.path === '/crm/v3/objects/contacts';
    hubspot.server.fail(list, 3, (_req, res) =>
      hubspot.rateLimited(
        res,
        'TEN_SECONDLY_ROLLING',
        'You have reached your ten_secondly_rolling limit.',
      ),
    );
    const full = await syncContacts(t, auth);
    expect(new Set(full.contacts.map((c) => c.id)).size).toBe(hubspot.contacts(0).length);
    expect(hubspot.server.faults[0].times).toBe(0);
    hubspot.server.clearFaults();

    const search = (r: { path: string }) => r.path === '/crm/v3/objects/contacts/search';
    hubspot.server.fail(search, 3, (_req, res) =>
      hubspot.rateLimited(res, 'SECONDLY', 'You have reached your secondly limit.'),
    );
    const changed = hubspot.contacts(0)[20];
    hubspot.change(0, changed.id, { jobtitle: 'After the 429s' });
    const next = await syncContacts(t, auth, full.checkpoint);
    // The changed contact, and those changed within the look-back (30 s) before the full sync.
    const { readTo } = decodeCheckpoint(await tokensOf(t, auth), full.checkpoint)!;
    const inWindow = hubspot.contacts(0).filter((c) => c.updatedAt >= readTo - 30_000);
    expect(inWindow.map((c) => c.id)).toContain(changed.id);
    expect(new Set(next.contacts.map((c) => c.id))).toEqual(new Set(inWindow.map((c) => c.id)));
    expect(hubspot.server.faults[0].times).toBe(0);
    hubspot.server.clearFaults();
  });
});
