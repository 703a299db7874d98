import { FakeFreshdesk } from '../support/upstreams/fake-freshdesk';
import { FRESHDESK_ACCOUNTS } from '../support/upstreams/fake-freshdesk-data';

/** The Freshdesk stand-in answers as the API reference says: auth, paging, filters, caps, errors. */

const auth = (key: string) => `Basic ${Buffer.from(`${key}:X`).toString('base64')}`;

describe('Freshdesk stand-in', () => {
  const fd = new FakeFreshdesk({ contacts: 260, agents: 10 });
  const url = (path: string, i: 0 | 1 = 0) =>
    `${fd.server.origin}/${FRESHDESK_ACCOUNTS[i].domain}/api/v2${path}`;
  const call = async (path: string, init: RequestInit & { key?: string } = {}, i: 0 | 1 = 0) => {
    const res = await fetch(path.startsWith('http') ? path : url(path, i), {
      ...init,
      headers: {
        authorization: auth(init.key ?? fd.account(i).apiKey),
        'content-type': 'application/json',
      },
    });
    const text = await res.text();
    return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : undefined };
  };
  const next = (link: string | null) => (link ? /<([^>]+)>; rel="next"/.exec(link)![1] : null);

  beforeAll(() => fd.start());
  afterAll(() => fd.stop());
  beforeEach(() => {
    fd.windows.reset();
    fd.limits = {
      perMinute: 5000,
      contactsListPerMinute: 5000,
      ticketsListPerMinute: 5000,
      ticketCreatePerMinute: 5000,
      windowMs: 60_000,
    };
  });

  it('authenticates with the API key as the Basic user name; anything else is 401', async () => {
    expect((await call('/agents/me')).status).toBe(200);
    const wrong = await call('/agents/me', { key: 'nope' });
    expect(wrong).toMatchObject({ status: 401, body: { code: 'invalid_credentials' } });
    expect((await call('/agents/me', { key: FRESHDESK_ACCOUNTS[1].apiKey })).status).toBe(401);
    const other = new FakeFreshdesk({ contacts: 2, agents: 1 });
    await other.start();
    try {
      const me = () =>
        fetch(`${other.server.origin}/initech/api/v2/agents/me`, {
          headers: { authorization: auth(FRESHDESK_ACCOUNTS[0].apiKey) },
        });
      expect((await me()).status).toBe(200);
      other.resetApiKey(0);
      expect((await me()).status).toBe(401);
    } finally {
      await other.stop();
    }
  });

  it('pages contacts by page/per_page with a Link header, at most 100 a page, deleted left out', async () => {
    expect((await call('/contacts?per_page=101')).status).toBe(400);
    const ids: number[] = [];
    let link: string | null = url('/contacts?per_page=100');
    let requests = 0;
    while (link) {
      const page = await call(link);
      ids.push(...page.body.map((c: any) => c.id));
      link = next(page.headers.get('link'));
      requests++;
    }
    const live = fd.account(0).contacts.filter((c) => !c.deleted);
    expect(ids.sort()).toEqual(live.map((c) => c.id).sort());
    expect(requests).toBe(Math.ceil(live.length / 100));
    expect((await call('/contacts')).body).toHaveLength(30);
  });

  it('filters by _updated_since without sorting by update time', async () => {
    const contacts = fd.account(0).contacts.filter((c) => !c.deleted);
    const cut = contacts[contacts.length - 60].updated_s;
    const since = new Date(cut * 1000).toISOString().replace('.000', '');
    const page = await call(`/contacts?per_page=100&_updated_since=${since}`);
    const expected = contacts.filter((c) => c.updated_s >= cut);
    expect(page.body.map((c: any) => c.id).sort()).toEqual(expected.map((c) => c.id).sort());
    const times = page.body.map((c: any) => Date.parse(c.updated_at));
    expect([...times].sort((a, b) => a - b)).not.toEqual(times);
    expect(page.body[0].updated_at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect((await call('/contacts?_updated_since=yesterday')).status).toBe(400);
  });

  it('keeps phones as typed: the exact filter finds only the typed form', async () => {
    const typed = fd.account(0).contacts.find((c) => !c.deleted && c.phone?.startsWith('('))!;
    const found = await call(`/contacts?phone=${encodeURIComponent(typed.phone!)}`);
    expect(found.body.map((c: any) => c.id)).toEqual([typed.id]);
    const e164 = `+1${typed.phone!.replace(/\D/g, '')}`;
    expect((await call(`/contacts?phone=${encodeURIComponent(e164)}`)).body).toEqual([]);
  });

  it('filters contacts with the query language, 30 a page and at most 10 pages', async () => {
    const q = (query: string, page = 1) =>
      call(`/search/contacts?query=${encodeURIComponent(query)}&page=${page}`);
    const all = await q(`"updated_at:>'2024-03-01' AND updated_at:<'2024-03-31'"`);
    const live = fd.account(0).contacts.filter((c) => !c.deleted);
    expect(all.body.total).toBe(live.length);
    expect(all.body.results).toHaveLength(30);
    expect((await q(`"updated_at:>'2024-03-01'"`, 11)).status).toBe(400);
    const day = await q(`"updated_at:>'2024-03-02' AND updated_at:<'2024-03-02'"`);
    const start = Date.UTC(2024, 2, 2) / 1000;
    expect(day.body.total).toBe(
      live.filter((c) => c.updated_s >= start && c.updated_s < start + 86_400).length,
    );
    const withEmail = live.find((c) => c.email)!;
    expect((await q(`"email:'${withEmail.email}'"`)).body.results.map((c: any) => c.id)).toEqual([
      withEmail.id,
    ]);
    expect((await q(`email:'${withEmail.email}'`)).status).toBe(400);
    const apostrophe = await q(`"email:'sean.o'brien@example.ie'"`);
    expect(apostrophe.status).toBe(400);
    expect((await q(`"name:'x'"`)).body.errors[0].code).toBe('invalid_field');
  });

  it('reads the company in a second request; a missing one is a bare 404', async () => {
    const contact = fd.account(0).contacts.find((c) => c.company_id)!;
    const company = await call(`/companies/${contact.company_id}`);
    expect(company.body.name).toMatch(/^Initech /);
    const missing = await call('/companies/1');
    expect(missing).toMatchObject({ status: 404, body: undefined });
  });

  it('lists agents with the person under contact, one without an email', async () => {
    const agents = await call('/agents?per_page=100');
    expect(agents.body).toHaveLength(10);
    expect(agents.body.filter((a: any) => a.contact.email === null)).toHaveLength(1);
  });

  it('lists tickets of the last 30 days unless updated_since, and their conversations', async () => {
    const requester = fd.account(0).tickets[0].requester_id;
    const recent = await call(`/tickets?requester_id=${requester}`);
    expect(recent.body).toHaveLength(1);
    const all = await call(`/tickets?requester_id=${requester}&updated_since=2000-01-01T00:00:00Z`);
    expect(all.body).toHaveLength(2);
    expect(typeof all.body[0].status).toBe('number');
    expect((await call('/tickets?page=301')).status).toBe(400);
    const conversations = await call(`/tickets/${all.body[0].id}/conversations`);
    expect(conversations.body.some((c: any) => c.private)).toBe(true);
  });

  it('creates a ticket; a string where an integer belongs is a datatype_mismatch', async () => {
    const contact = fd.account(0).contacts.find((c) => !c.deleted)!;
    const post = (body: unknown) =>
      call('/tickets', { method: 'POST', body: JSON.stringify(body) });
    const created = await post({
      requester_id: contact.id,
      subject: 'Call',
      description: 'Called',
      priority: 2,
      status: 2,
    });
    expect(created.status).toBe(201);
    expect(created.headers.get('location')).toMatch(/\/tickets\/\d+$/);
    const stringId = await post({
      requester_id: String(contact.id),
      subject: 'Call',
      description: 'x',
    });
    expect(stringId.status).toBe(400);
    expect(stringId.body.errors[0]).toEqual({
      field: 'requester_id',
      message: 'Value set is of type String.It should be a/an Integer',
      code: 'datatype_mismatch',
    });
    expect(
      (await post({ requester_id: contact.id, subject: 'x', description: 'x', priority: 9 })).body
        .errors[0].code,
    ).toBe('invalid_value');
  });

  it('limits contact lists per minute with 429, Retry-After and X-RateLimit headers', async () => {
    fd.limits = { ...fd.limits, perMinute: 200, contactsListPerMinute: 2 };
    const first = await call('/contacts');
    expect(first.headers.get('x-ratelimit-total')).toBe('200');
    expect(first.headers.get('x-ratelimit-remaining')).toBe('199');
    expect(first.headers.get('x-ratelimit-used-currentrequest')).toBe('1');
    await call('/contacts');
    const refused = await call('/contacts');
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    expect((await call('/agents/me')).status).toBe(200);
    // The window passes: contacts answer again.
    const clock = fd.clock;
    fd.clock = () => Date.now() + 61_000;
    try {
      expect((await call('/contacts')).status).toBe(200);
    } finally {
      fd.clock = clock;
    }
  });
});
