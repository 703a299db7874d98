import { scaledPacing } from './support/local-manifest';
import { decodeOffsetState, encodeOffsetState } from '../src/contacts/contact-sync-tokens';
import { expectError, nextPages, syncAgents, syncContacts, tokensOf } from './support/talkdesk';
import { Reply, startTestApp, TestApp } from './support/test-app';
import { FakeFreshdesk, FRESHDESK_GROWTH } from './support/upstreams/fake-freshdesk';
import { freshdeskCredentials } from './support/upstreams/fake-freshdesk-data';
import { parseContactQuery } from './support/upstreams/fake-freshdesk-search';

/** The whole bridge over connectors/freshdesk.yaml and the Freshdesk stand-in. */

const CONTACTS = 1200;
/** Time runs 40 times faster: the manifest's pacing intervals and the stand-in's minute. */
const SCALE = 1 / 40;

describe('Freshdesk (connectors/freshdesk.yaml)', () => {
  let fd: FakeFreshdesk;
  let t: TestApp;
  const manifest = scaledPacing('connectors/freshdesk.yaml', SCALE);
  const initech = freshdeskCredentials(0);
  const umbrella = freshdeskCredentials(1);
  const searches = (domain: string) =>
    fd.server.requests.filter((r) => r.path === `/${domain}/api/v2/search/contacts`);
  const open = () => {
    fd.windows.reset();
    fd.limits = {
      perMinute: 100_000,
      contactsListPerMinute: 100_000,
      ticketsListPerMinute: 100_000,
      ticketCreatePerMinute: 100_000,
      windowMs: 60_000,
    };
  };

  beforeAll(async () => {
    fd = new FakeFreshdesk({ contacts: CONTACTS, agents: 10 });
    open();
    await fd.start();
    t = await startTestApp({
      connector: 'rest',
      connectorManifest: manifest.path,
      connectorBaseUrl: fd.baseUrl,
      contactsPageSize: 250,
    });
  });
  afterAll(async () => {
    await t?.close();
    await fd?.stop();
    manifest.remove();
  });
  beforeEach(() => open());

  it('validates the API key; a wrong one is 401', async () => {
    expect((await t.post('/auth/validate', { auth: initech })).status).toBe(204);
    expectError(await t.post('/auth/validate', { auth: { ...initech, api_key: 'nope' } }), 401);
  });

  it('a full sync in day slices sends every contact once, in order, with a checkpoint', async () => {
    const before = searches('initech').length;
    const run = await syncContacts(t, initech);
    const ids = run.contacts.map((c) => c.id);
    const live = fd.account(0).contacts.filter((c) => !c.deleted);
    expect(new Set(ids).size).toBe(ids.length);
    expect([...ids].sort()).toEqual(live.map((c) => String(c.id)).sort());
    expect(typeof run.checkpoint).toBe('string');
    // hasMore ends with the last contact: no empty page asked after it.
    expect(run.pages[run.pages.length - 1].body.contacts.length).toBeGreaterThan(0);
    const calls = searches('initech').slice(before);
    // Every query is a whole-day range of the bridge's own writing.
    for (const c of calls) {
      expect(c.url.searchParams.get('query')).toMatch(
        /^"updated_at:>'\d{4}-\d\d-\d\d' AND updated_at:<'\d{4}-\d\d-\d\d'"$/,
      );
    }
    // The vendor's minimum: the days read in ranges of at most 300 (a query's cap), each range
    // at 30 a page; the fewest pages over every way of grouping consecutive days.
    const perDay = new Map<string, number>();
    for (const c of live) {
      const day = new Date(c.updated_s * 1000).toISOString().slice(0, 10);
      perDay.set(day, (perDay.get(day) ?? 0) + 1);
    }
    const counts = [...perDay.keys()].sort().map((day) => perDay.get(day)!);
    const fewest = [0];
    for (let j = 1; j <= counts.length; j++) {
      fewest[j] = Infinity;
      // Days i..j-1 as one range.
      let n = 0;
      for (let i = j - 1; i >= 0; i--) {
        n += counts[i];
        if (n > 300) break;
        fewest[j] = Math.min(fewest[j], fewest[i] + Math.ceil(n / 30));
      }
    }
    const minimum = fewest[counts.length];
    // A search whose range holds nothing, or more than a query can return, reads no contact.
    const totalOf = (query: string) => {
      const matches = parseContactQuery(query);
      return live.filter((c) => matches(c)).length;
    };
    const wasted = calls.map((c) => {
      const n = totalOf(c.url.searchParams.get('query')!);
      return n === 0 || n > 300;
    });
    const reading = wasted.filter((w) => !w).length;
    console.log(
      `freshdesk full sync: ${live.length} contacts over ${counts.length} days, ${run.pages.length} Talkdesk pages, ${calls.length} upstream requests (${calls.length - reading} finding where the changes are), minimum ${minimum} (30 per search page)`,
    );
    // The minimum + 1: the first request asks for the whole window from slice.start (2010), more
    // than a query returns; its first page's update times (the newest changes, here) say where
    // a slice lies, and from there every request reads a slice: the window is read from its end
    // back, each slice cut by the density of the one after it, until what is left fits one.
    // No day is read twice though Talkdesk pages end inside slices.
    expect(calls.length).toBeLessThanOrEqual(minimum + 1);
    expect(wasted.slice(wasted.indexOf(false))).not.toContain(true);
    // The company's name, read once per company.
    const withCompany = live.find((c) => c.company_id)!;
    const company = fd.account(0).companies.find((c) => c.id === withCompany.company_id)!;
    expect(run.contacts.find((c) => c.id === String(withCompany.id)).company).toBe(company.name);
    const companyCalls = fd.server.requests.filter((r) =>
      r.path.startsWith('/initech/api/v2/companies/'),
    );
    expect(companyCalls.length).toBe(new Set(live.map((c) => c.company_id).filter(Boolean)).size);
  });

  it('an incremental sync after changes brings exactly those contacts', async () => {
    const first = await syncContacts(t, umbrella);
    const now = Math.floor(Date.now() / 1000);
    const live = fd.account(1).contacts.filter((c) => !c.deleted);
    const changed = [live[2], live[600], live[1100]];
    // The first run's checkpoint is its last contact: its day is read again, whole.
    const lastDay = Math.floor(Math.max(...live.map((c) => c.updated_s)) / 86_400) * 86_400;
    changed.forEach((c, k) => fd.updateContact(1, c.id, { name: `Changed ${k}` }, now - 3_000 + k));
    const before = searches('umbrella').length;
    const again = await syncContacts(t, umbrella, first.checkpoint);
    expect(again.contacts.map((c) => c.id).sort()).toEqual(changed.map((c) => String(c.id)).sort());
    // One range from the checkpoint's day on, read once: the pages its records fill.
    const requests = searches('umbrella').length - before;
    const inWindow = fd.account(1).contacts.filter((c) => !c.deleted && c.updated_s >= lastDay);
    const minimum = Math.ceil(inWindow.length / 30);
    console.log(
      `freshdesk incremental sync: ${again.contacts.length} contacts in ${requests} upstream requests, minimum ${minimum}`,
    );
    expect(requests).toBeLessThanOrEqual(minimum + 1);
  });

  it('an offset of the earlier slice format ({ lo, step }) continues the run from its slice', async () => {
    const first = await t.post('/contacts/sync', { auth: initech });
    const tokens = await tokensOf(t, initech);
    const offset = decodeOffsetState(tokens, first.body.next_offset)!;
    const { lo } = offset.resume as { lo: number };
    const old = encodeOffsetState(tokens, { ...offset, resume: { lo, step: 86_400_000 } });
    const rest = await nextPages(t, initech, {
      ...first,
      body: { ...first.body, next_offset: old },
    });
    const ids = [...first.body.contacts, ...rest.flatMap((p) => p.body.contacts)].map(
      (c: { id: string }) => c.id,
    );
    const live = fd.account(0).contacts.filter((c) => !c.deleted);
    expect(new Set(ids).size).toBe(ids.length);
    expect([...ids].sort()).toEqual(live.map((c) => String(c.id)).sort());
  });

  it('a day holding more than a query can return is a coded error, not a silent cut', async () => {
    const crowded = new FakeFreshdesk({ contacts: 2, agents: 1 });
    const day = Date.UTC(2025, 0, 15) / 1000;
    for (let i = 0; i < 301; i++) {
      crowded.addContact(0, {
        name: `Crowd ${i}`,
        email: `crowd${i}@x.example`,
        other_emails: [],
        phone: null,
        mobile: null,
        company_id: null,
        job_title: null,
        deleted: false,
        created_s: day,
        updated_s: day + i,
      });
    }
    await crowded.start();
    const app = await startTestApp({
      connector: 'rest',
      connectorManifest: manifest.path,
      connectorBaseUrl: crowded.baseUrl,
    });
    try {
      let res;
      let meta: Record<string, unknown> | undefined;
      for (let n = 0; n < 20; n++) {
        res = await app.post('/contacts/sync', { auth: initech, ...(meta && { meta }) });
        if (res.status !== 200 || !res.body.next_offset) break;
        meta = { offset: res.body.next_offset, context: res.body.context };
      }
      expectError(res!, 502);
      expect(res!.body.code).toBe('upstream_slice_too_large');
    } finally {
      await app.close();
      await crowded.stop();
    }
  });

  it('Talkdesk pages larger than the pacing lets one request fill are answered short, not failed', async () => {
    // 12 requests per 4 s window (epoch-aligned) against a 7 s budget, so the outcome does not
    // depend on how fast the machine runs: a request spans less than two windows and reaches
    // three at most, 36 requests, where the first contacts need 43 (the window from 2010, then
    // its slices read from its end back to the oldest), so no first page is full: the first
    // pages come empty, with a next_offset keeping what they read. A request that finds the
    // window spent waits at most 4 s for the next one and has 3 s left in it for 12 requests,
    // more than a whole slice (up to 300 contacts, 10 searches) takes: after the first page, no
    // request has nothing to answer.
    const slow = scaledPacing('connectors/freshdesk.yaml', 2 / 3, 12);
    const app = await startTestApp({
      connector: 'rest',
      connectorManifest: slow.path,
      connectorBaseUrl: fd.baseUrl,
      contactsPageSize: 1000,
      requestBudgetMs: 7000,
    });
    try {
      // As Talkdesk asks: a 503 is asked again after its Retry-After.
      const pages: Reply[] = [];
      const unavailable: number[] = [];
      let meta: Record<string, unknown> | undefined;
      for (let n = 0; n < 40; n++) {
        const res = await app.post('/contacts/sync', { auth: initech, ...(meta && { meta }) });
        if (res.status === 503) {
          unavailable.push(pages.length);
          await new Promise((r) => setTimeout(r, Number(res.headers['retry-after']) * 1000));
          continue;
        }
        expect(res.status).toBe(200);
        pages.push(res);
        if (!res.body.next_offset) break;
        meta = { offset: res.body.next_offset, context: res.body.context };
      }
      const ids = pages.flatMap((p) => p.body.contacts.map((c: { id: string }) => c.id));
      const live = fd.account(0).contacts.filter((c) => !c.deleted);
      expect(new Set(ids).size).toBe(ids.length);
      expect([...ids].sort()).toEqual(live.map((c) => String(c.id)).sort());
      expect(typeof pages[pages.length - 1].body.synchronization_checkpoint).toBe('string');
      // The first page was cut short by the pacing, with a next_offset that resumed exactly there.
      expect(pages[0].body.next_offset).toEqual(expect.any(String));
      expect(pages[0].body.contacts.length).toBeLessThan(1000);
      // A 503 only when the first request is paused before it read anything (the window spent
      // when it starts): every later request answers what it read, short pages carrying the sync.
      expect(unavailable.filter((at) => at > 0)).toEqual([]);
      console.log(
        `freshdesk short pages: ${pages.map((p) => p.body.contacts.length).join(', ')} contacts, ${unavailable.length} answered 503 before the first`,
      );
    } finally {
      await app.close();
      slow.remove();
    }
  }, 120_000);

  it('agents: every agent with an email, once', async () => {
    const run = await syncAgents(t, initech);
    const agents = fd.account(0).agents.filter((a) => a.email);
    expect(run.agents.map((a) => a.id).sort()).toEqual(agents.map((a) => String(a.id)).sort());
  });

  it('interactions: the caller’s tickets of any age, by id and by a typed phone', async () => {
    const requester = fd.account(0).tickets[0].requester_id;
    const res = await t.post('/interactions/retrieve', {
      auth: initech,
      meta: { interaction_types: ['ticket'] },
      data: { contact_external_id: String(requester), contact_emails: [], contact_phones: [] },
    });
    expect(res.status).toBe(200);
    expect(res.body).toHaveLength(2);
    for (const i of res.body) {
      expect(['none', 'low', 'normal', 'high', 'urgent']).toContain(i.priority);
      expect(['new', 'open', 'pending', 'solved', 'closed']).toContain(i.status);
    }
    const contact = fd
      .account(0)
      .contacts.find(
        (c) =>
          !c.deleted &&
          c.phone?.startsWith('(') &&
          fd.account(0).tickets.some((x) => x.requester_id === c.id),
      )!;
    const byPhone = await t.post('/interactions/retrieve', {
      auth: initech,
      meta: { interaction_types: ['ticket'] },
      data: { contact_phones: [`+1${contact.phone!.replace(/\D/g, '')}`] },
    });
    expect(byPhone.body).toHaveLength(2);
  });

  it('interactions: a phone typed with an extension is not found (the filter compares it whole)', async () => {
    const contact = fd
      .account(0)
      .contacts.find(
        (c) => !c.deleted && fd.account(0).tickets.some((x) => x.requester_id === c.id),
      )!;
    const typed = contact.phone;
    contact.phone = '(212) 555-1000 ext. 12';
    try {
      const before = fd.server.requests.length;
      const res = await t.post('/interactions/retrieve', {
        auth: initech,
        meta: { interaction_types: ['ticket'] },
        data: { contact_phones: ['+12125551000'] },
      });
      expect(res.status).toBe(200);
      expect(res.body).toEqual([]);
      // Each of the four forms asked once, none of them the whole stored text.
      const asked = fd.server.requests
        .slice(before)
        .filter((r) => r.path.endsWith('/api/v2/contacts'))
        .map((r) => r.url.searchParams.get('phone'));
      expect(asked).toEqual(['+12125551000', '(212) 555-1000', '+1 212 555 1000', '2125551000']);
      // The number typed exactly as one of them is found.
      contact.phone = '(212) 555-1000';
      const found = await t.post('/interactions/retrieve', {
        auth: initech,
        meta: { interaction_types: ['ticket'] },
        data: { contact_phones: ['+12125551000'] },
      });
      expect(found.body.length).toBeGreaterThan(0);
    } finally {
      contact.phone = typed;
    }
  });

  it('interactions: the conversations of the caller’s tickets, replies and notes, with their ticket’s status', async () => {
    const account = fd.account(0);
    const requester = account.tickets[0].requester_id;
    const tickets = account.tickets.filter((x) => x.requester_id === requester);
    const res = await t.post('/interactions/retrieve', {
      auth: initech,
      meta: { interaction_types: ['reply', 'note'] },
      data: { contact_external_id: String(requester), contact_emails: [], contact_phones: [] },
    });
    expect(res.status).toBe(200);
    const conversations = account.conversations.filter((c) =>
      tickets.some((x) => x.id === c.ticket_id),
    );
    expect(res.body.map((i: any) => i.id).sort()).toEqual(
      conversations.map((c) => String(c.id)).sort(),
    );
    const statuses: Record<number, string> = { 2: 'open', 3: 'pending', 4: 'solved', 5: 'closed' };
    for (const i of res.body) {
      const c = conversations.find((x) => String(x.id) === i.id)!;
      const ticket = tickets.find((x) => x.id === c.ticket_id)!;
      expect(i.type).toBe(c.source === 2 ? 'note' : 'reply');
      expect(i.subject).toBe(ticket.subject);
      expect(i.status).toBe(statuses[ticket.status]);
      expect(i.description).toBe(c.body_text);
    }
  });

  it('create_ticket: requester and priority sent as integers', async () => {
    const contact = fd.account(0).contacts.find((c) => !c.deleted)!;
    const res = await t.post('/actions/create_ticket', {
      auth: initech,
      meta: { contact_external_id: String(contact.id) },
      data: { subject: 'Missed call', description: 'Call back', priority: '3' },
    });
    expect(res.status).toBe(201);
    const post = fd.server.requests.filter((r) => r.method === 'POST').pop()!;
    expect(post.body).toEqual({
      subject: 'Missed call',
      description: 'Call back',
      requester_id: contact.id,
      priority: 3,
      status: 2,
      source: 3,
    });
    const refused = await t.post('/actions/create_ticket', {
      auth: initech,
      meta: { contact_external_id: '1' },
      data: { subject: 'x', description: 'y' },
    });
    expectError(refused, 400);
    expect(refused.body.message).toMatch(/no contact matching/);
  });

  it('answers 401 once the API key is reset', async () => {
    const other = new FakeFreshdesk({ contacts: 3, agents: 2 });
    await other.start();
    const app = await startTestApp({
      connector: 'rest',
      connectorManifest: manifest.path,
      connectorBaseUrl: other.baseUrl,
    });
    try {
      expect((await app.post('/auth/validate', { auth: initech })).status).toBe(204);
      other.resetApiKey(0);
      expectError(await app.post('/contacts/sync', { auth: initech }), 401);
    } finally {
      await app.close();
      await other.stop();
    }
  });

  it('paced as declared, a full sync and caller lookups on the Growth plan’s limits are never answered 429', async () => {
    fd.limits = { ...FRESHDESK_GROWTH, windowMs: 60_000 * SCALE };
    const before = fd.rateLimited;
    const run = await syncContacts(t, umbrella);
    const live = fd.account(1).contacts.filter((c) => !c.deleted);
    expect(run.contacts.map((c) => c.id).sort()).toEqual(live.map((c) => String(c.id)).sort());
    // Tickets List allows 20 credits a minute, 2 a request with `include`: 15 lookups in a row.
    for (const contact of live.slice(0, 15)) {
      const res = await t.post('/interactions/retrieve', {
        auth: umbrella,
        meta: { interaction_types: ['ticket'] },
        data: { contact_external_id: String(contact.id), contact_emails: [], contact_phones: [] },
      });
      expect(res.status).toBe(200);
    }
    expect(fd.rateLimited - before).toBe(0);
  });

  it('a sync running into the per-minute limit (429 with Retry-After) completes', async () => {
    // A window smaller than the first Talkdesk page needs (finding where the changes are, a
    // slice's pages, company lookups): requests past it wait for the next window.
    fd.limits = { ...fd.limits, perMinute: 20, windowMs: 1_500 };
    // The window is spent when the sync starts (as another client of the account can leave it),
    // so that it runs into the limit however slowly its requests follow one another.
    fd.windows.exhaust(`total:${fd.account(1).domain}`, 20);
    const before = fd.rateLimited;
    const run = await syncContacts(t, umbrella);
    const live = fd.account(1).contacts.filter((c) => !c.deleted);
    expect(run.contacts.map((c) => c.id).sort()).toEqual(live.map((c) => String(c.id)).sort());
    // It did run into the limit: some requests were answered 429, and retried.
    expect(fd.rateLimited).toBeGreaterThan(before);
  });
});
