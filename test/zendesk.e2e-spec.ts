import { scaledPacing } from './support/local-manifest';
import { expectError, syncAgents, syncContacts } from './support/talkdesk';
import { startTestApp, TestApp } from './support/test-app';
import { FakeZendesk } from './support/upstreams/fake-zendesk';
import { zendeskCredentials } from './support/upstreams/fake-zendesk-data';

/** The whole bridge over connectors/zendesk.yaml and the Zendesk stand-in. */

const END_USERS = 1500;
const EXPORT_PAGE = 1000;
/** Time runs 40 times faster: the manifest's pacing intervals and the stand-in's minute. */
const SCALE = 1 / 40;
const MINUTE = 60_000 * SCALE;

describe('Zendesk (connectors/zendesk.yaml)', () => {
  let zd: FakeZendesk;
  let t: TestApp;
  const manifest = scaledPacing('connectors/zendesk.yaml', SCALE);
  const acme = zendeskCredentials(0);
  const globex = zendeskCredentials(1);
  const exportCalls = (subdomain: string) =>
    zd.server.requests.filter((r) => r.path === `/${subdomain}/api/v2/incremental/users/cursor`);
  const open = (limits = { perMinute: 700, incrementalPerMinute: 10_000, windowMs: 60_000 }) => {
    zd.windows.reset();
    zd.limits = limits;
  };

  beforeAll(async () => {
    zd = new FakeZendesk({ endUsers: END_USERS, agents: 12 });
    open();
    await zd.start();
    t = await startTestApp({
      connector: 'rest',
      connectorManifest: manifest.path,
      connectorBaseUrl: zd.baseUrl,
      contactsPageSize: 500,
    });
  });
  afterAll(async () => {
    await t?.close();
    await zd?.stop();
    manifest.remove();
  });
  beforeEach(() => open());

  it('validates the API token; a wrong one or another subdomain is 401', async () => {
    expect((await t.post('/auth/validate', { auth: acme })).status).toBe(204);
    expectError(await t.post('/auth/validate', { auth: { ...acme, api_token: 'nope-nope' } }), 401);
    expectError(await t.post('/auth/validate', { auth: { ...acme, subdomain: 'initech' } }), 401);
  });

  it('a full sync sends every live end user once: agents and deleted users filtered out', async () => {
    const before = exportCalls('acme').length;
    const run = await syncContacts(t, acme);
    const ids = run.contacts.map((c) => c.id);
    const users = zd.account(0).users;
    const customers = users.filter((u) => u.role === 'end-user' && u.active);
    expect(new Set(ids).size).toBe(ids.length);
    expect([...ids].sort()).toEqual(customers.map((u) => String(u.id)).sort());
    const calls = exportCalls('acme').slice(before);
    // start_time is mandatory on the first request: a full sync starts at the epoch.
    expect(calls[0].url.searchParams.get('start_time')).toBe('0');
    const minimum = Math.ceil(users.length / EXPORT_PAGE);
    console.log(
      `zendesk full sync: ${users.length} users exported (${customers.length} live end users), ${run.pages.length} Talkdesk pages, ${calls.length} upstream requests, minimum ${minimum}`,
    );
    // An export page of 1,000 spans Talkdesk pages of 500: read once.
    expect(calls.length).toBeLessThanOrEqual(minimum + 1);
    const sample = customers.find((u) => u.phone?.startsWith('(') && u.email)!;
    expect(run.contacts.find((c) => c.id === String(sample.id))).toMatchObject({
      name: sample.name,
      emails: [sample.email],
      phones: [`+1${sample.phone!.replace(/\D/g, '')}`],
      url: `https://acme.zendesk.com/agent/users/${sample.id}`,
    });
    expect(typeof run.checkpoint).toBe('string');
    // The organization's name, from a second request.
    const member = customers.find((u) => u.organization_id !== null)!;
    const organization = zd.account(0).organizations.find((o) => o.id === member.organization_id)!;
    expect(run.contacts.find((c) => c.id === String(member.id)).company).toBe(organization.name);
    const metrics = await t.get('/metrics');
    const filtered = /bridge_records_dropped_total\{kind="contact",reason="filtered"\} (\d+)/.exec(
      metrics.payload,
    );
    expect(Number(filtered?.[1])).toBeGreaterThanOrEqual(users.length - customers.length);
  });

  it('an incremental sync after changes brings exactly those end users', async () => {
    const first = await syncContacts(t, globex);
    const now = Math.floor(Date.now() / 1000);
    const customers = zd.account(1).users.filter((u) => u.role === 'end-user' && u.active);
    const changed = [customers[5], customers[700], customers[1200]];
    changed.forEach((u, k) => zd.updateUser(1, u.id, { name: `Changed ${k}` }, now - 150 + k));
    // An agent changed too: still not a contact.
    const agent = zd.account(1).users.find((u) => u.role === 'agent')!;
    zd.updateUser(1, agent.id, { name: 'Agent renamed' }, now - 140);
    const before = exportCalls('globex').length;
    const again = await syncContacts(t, globex, first.checkpoint);
    expect(exportCalls('globex').length - before).toBeLessThanOrEqual(1 + 1);
    const ids = again.contacts.map((c) => c.id);
    expect(ids.sort()).toEqual(changed.map((u) => String(u.id)).sort());
    expect(again.contacts.map((c) => c.name).sort()).toEqual([
      'Changed 0',
      'Changed 1',
      'Changed 2',
    ]);
  });

  it('agents: agents and admins asked with repeated role[] parameters, those without email skipped', async () => {
    const run = await syncAgents(t, acme);
    const staff = zd.account(0).users.filter((u) => u.role !== 'end-user' && u.email);
    expect(run.agents.map((a) => a.id).sort()).toEqual(staff.map((u) => String(u.id)).sort());
    const list = zd.server.requests.filter((r) => r.path === '/acme/api/v2/users').pop()!;
    expect(list.url.searchParams.getAll('role[]')).toEqual(['agent', 'admin']);
  });

  it('interactions: the caller’s tickets in Talkdesk’s enumerations, by id and by phone', async () => {
    const requester = zd.account(0).tickets[0].requester_id;
    const byId = await t.post('/interactions/retrieve', {
      auth: acme,
      meta: { interaction_types: ['ticket'] },
      data: { contact_external_id: String(requester), contact_emails: [], contact_phones: [] },
    });
    expect(byId.status).toBe(200);
    expect(byId.body).toHaveLength(3);
    for (const i of byId.body) {
      expect(['none', 'low', 'normal', 'high', 'urgent']).toContain(i.priority);
      expect(['new', 'open', 'pending', 'solved', 'closed']).toContain(i.status);
    }
    const dates = byId.body.map((i: any) => i.date);
    expect(dates).toEqual([...dates].sort().reverse());
    // By email, as one search phrase even with a quote inside.
    const withEmail = zd
      .account(0)
      .users.find((u) => u.email && zd.account(0).tickets.some((x) => x.requester_id === u.id))!;
    const byEmail = await t.post('/interactions/retrieve', {
      auth: acme,
      meta: { interaction_types: ['ticket'] },
      data: { contact_emails: [withEmail.email], contact_phones: [] },
    });
    expect(byEmail.body).toHaveLength(3);
    const hostile = await t.post('/interactions/retrieve', {
      auth: acme,
      meta: { interaction_types: ['ticket'] },
      data: { contact_emails: [`nobody@example.com" -email:"x`], contact_phones: [] },
    });
    expect(hostile.status).toBe(200);
    expect(hostile.body).toEqual([]);
    // Talkdesk sends E.164; the user's phone was typed `(212) 555-…` or stored as E.164.
    for (const prefix of ['(', '+1']) {
      const user = zd
        .account(0)
        .users.find(
          (u) =>
            u.phone?.startsWith(prefix) &&
            !u.phone.startsWith('+1 ') &&
            zd.account(0).tickets.some((x) => x.requester_id === u.id),
        )!;
      const res = await t.post('/interactions/retrieve', {
        auth: acme,
        meta: { interaction_types: ['ticket'] },
        data: { contact_phones: [`+1${user.phone!.replace(/\D/g, '').slice(-10)}`] },
      });
      expect(res.body.length).toBe(3);
    }
  });

  it('interactions: the comments of the caller’s tickets, public comments and internal notes', async () => {
    const account = zd.account(0);
    const requester = account.tickets[0].requester_id;
    const tickets = account.tickets.filter((x) => x.requester_id === requester);
    const res = await t.post('/interactions/retrieve', {
      auth: acme,
      meta: { interaction_types: ['ticket', 'comment', 'note'] },
      data: { contact_external_id: String(requester), contact_emails: [], contact_phones: [] },
    });
    expect(res.status).toBe(200);
    const comments = account.comments.filter((c) => tickets.some((x) => x.id === c.ticket_id));
    expect(
      res.body
        .filter((i: any) => i.type !== 'ticket')
        .map((i: any) => i.id)
        .sort(),
    ).toEqual(comments.map((c) => String(c.id)).sort());
    for (const i of res.body.filter((x: any) => x.type !== 'ticket')) {
      const c = comments.find((x) => String(x.id) === i.id)!;
      expect(i.type).toBe(c.public ? 'comment' : 'note');
      expect(i.subject).toBe(tickets.find((x) => x.id === c.ticket_id)!.subject);
    }
    const dates = res.body.map((i: any) => i.date);
    expect(dates).toEqual([...dates].sort().reverse());
  });

  it('comments are read for the five newest tickets only (for_each.max_records), one request each', async () => {
    const account = zd.account(0);
    const requester = account.tickets[3].requester_id;
    // Three more tickets for a caller who has three: six, the newest three created just now.
    for (let n = 0; n < 3; n++) {
      const created = await t.post('/actions/create_ticket', {
        auth: acme,
        meta: { contact_external_id: String(requester) },
        data: { subject: `Bound ${n}`, comment: `Bound ${n}` },
      });
      expect(created.status).toBe(201);
    }
    const tickets = account.tickets
      .filter((x) => x.requester_id === requester)
      .sort((a, b) => b.created_s - a.created_s || b.id - a.id);
    expect(tickets).toHaveLength(6);
    const commentReads = () =>
      zd.server.requests.filter((r) => /\/tickets\/\d+\/comments$/.test(r.path)).length;
    const before = commentReads();
    const res = await t.post('/interactions/retrieve', {
      auth: acme,
      meta: { interaction_types: ['comment', 'note'] },
      data: { contact_external_id: String(requester), contact_emails: [], contact_phones: [] },
    });
    expect(res.status).toBe(200);
    expect(commentReads() - before).toBe(5);
    const newest = new Set(tickets.slice(0, 5).map((x) => x.id));
    const expected = account.comments.filter((c) => newest.has(c.ticket_id));
    expect(res.body.map((i: any) => i.id).sort()).toEqual(expected.map((c) => String(c.id)).sort());
  });

  it('create_ticket: a ticket requested by the caller; a refusal is a 400 quoting Zendesk', async () => {
    const requester = zd.account(0).users.find((u) => u.role === 'end-user' && u.active)!;
    const res = await t.post('/actions/create_ticket', {
      auth: acme,
      meta: { contact_external_id: String(requester.id) },
      data: { subject: 'Missed call', comment: 'Call back', priority: 'High' },
    });
    expect(res.status).toBe(201);
    const post = zd.server.requests.filter((r) => r.method === 'POST').pop()!;
    expect(post.body).toEqual({
      ticket: {
        subject: 'Missed call',
        comment: { body: 'Call back' },
        priority: 'high',
        requester_id: requester.id,
      },
    });
    const created = zd.account(0).tickets.at(-1)!;
    expect(res.body.external_id).toBe(String(created.id));
    const refused = await t.post('/actions/create_ticket', {
      auth: acme,
      meta: { contact_external_id: '1' },
      data: { subject: 'x', comment: 'y' },
    });
    expectError(refused, 400);
    expect(refused.body.message).toMatch(/Record validation errors/);
  });

  it('answers 401 once the API token is revoked', async () => {
    const other = new FakeZendesk({ endUsers: 3, agents: 2 });
    await other.start();
    const app = await startTestApp({
      connector: 'rest',
      connectorManifest: manifest.path,
      connectorBaseUrl: other.baseUrl,
    });
    try {
      expect((await app.post('/auth/validate', { auth: acme })).status).toBe(204);
      other.revokeToken(0);
      expectError(await app.post('/contacts/sync', { auth: acme }), 401);
    } finally {
      await app.close();
      await other.stop();
    }
  });

  it('paced as declared, a full sync on the Team plan’s limits is never answered 429', async () => {
    // "Rate limits": Team, 200 a minute; "Incremental Exports": 10 a minute.
    open({ perMinute: 200, incrementalPerMinute: 10, windowMs: MINUTE });
    const before = zd.rateLimited;
    const calls = exportCalls('acme').length;
    const run = await syncContacts(t, acme);
    const customers = zd.account(0).users.filter((u) => u.role === 'end-user' && u.active);
    expect(run.contacts.map((c) => c.id).sort()).toEqual(customers.map((u) => String(u.id)).sort());
    expect(zd.rateLimited - before).toBe(0);
    // Export requests at least 7 s (scaled) apart: the export's own pacing.
    const at = exportCalls('acme')
      .slice(calls)
      .map((r) => r.at);
    expect(at.length).toBeGreaterThan(1);
    // Each in a pacing window of its own: n requests span at least n - 1 windows less one.
    expect(at[at.length - 1] - at[0]).toBeGreaterThanOrEqual((at.length - 2) * 7000 * SCALE);
  });

  it('a sync running into the export’s rate limit (429 with Retry-After) completes', async () => {
    // One export request a window: the sync's second waits its turn.
    open({ perMinute: 700, incrementalPerMinute: 1, windowMs: 1_500 });
    // The window is spent when the sync starts (as another client of the account can leave it),
    // so that it runs into the limit however slowly its requests follow one another.
    zd.windows.exhaust(`incremental:${acme.subdomain}`, 1);
    const before = zd.rateLimited;
    const run = await syncContacts(t, acme);
    const customers = zd.account(0).users.filter((u) => u.role === 'end-user' && u.active);
    expect(run.contacts.map((c) => c.id).sort()).toEqual(customers.map((u) => String(u.id)).sort());
    // It did run into the limit: some requests were answered 429, and retried.
    expect(zd.rateLimited).toBeGreaterThan(before);
  });
});
