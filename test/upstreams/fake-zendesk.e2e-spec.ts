import { FakeZendesk } from '../support/upstreams/fake-zendesk';
import { ZENDESK_ACCOUNTS, ZENDESK_EPOCH } from '../support/upstreams/fake-zendesk-data';

/** The Zendesk stand-in answers as the documentation says: auth, the export, roles, limits. */

const auth = (i: 0 | 1, token: string = ZENDESK_ACCOUNTS[i].apiToken) =>
  `Basic ${Buffer.from(`${ZENDESK_ACCOUNTS[i].email}/token:${token}`).toString('base64')}`;

describe('Zendesk stand-in', () => {
  const zd = new FakeZendesk({ endUsers: 250, agents: 12 });
  const url = (path: string, i: 0 | 1 = 0) =>
    `${zd.server.origin}/${ZENDESK_ACCOUNTS[i].subdomain}/api/v2${path}`;
  const get = async (path: string, i: 0 | 1 = 0, authorization = auth(i)) => {
    const res = await fetch(path.startsWith('http') ? path : url(path, i), {
      headers: { authorization },
    });
    return { status: res.status, headers: res.headers, body: (await res.json()) as any };
  };

  beforeAll(() => zd.start());
  afterAll(() => zd.stop());
  beforeEach(() => {
    zd.windows.reset();
    zd.limits = { perMinute: 700, incrementalPerMinute: 1000, windowMs: 60_000 };
  });

  it('authenticates `{email}/token:{api_token}` and refuses anything else with 401', async () => {
    expect((await get('/users/me')).body.user.email).toBe(ZENDESK_ACCOUNTS[0].email);
    const wrong = await get('/users/me', 0, auth(0, 'not-the-token'));
    expect(wrong).toMatchObject({ status: 401, body: { error: "Couldn't authenticate you" } });
    // The other account's token does not open this account.
    expect((await get('/users/me', 0, auth(1))).status).toBe(401);
    // Without credentials, users/me shows the anonymous user (allowed for anyone).
    const anonymous = await fetch(url('/users/me'));
    expect(anonymous.status).toBe(200);
    expect(((await anonymous.json()) as any).user.id).toBeNull();
  });

  it('answers 401 once the token is revoked', async () => {
    const other = new FakeZendesk({ endUsers: 3, agents: 2 });
    await other.start();
    try {
      const call = () =>
        fetch(`${other.server.origin}/acme/api/v2/users/me`, {
          headers: { authorization: auth(0) },
        });
      expect((await call()).status).toBe(200);
      other.revokeToken(0);
      expect((await call()).status).toBe(401);
    } finally {
      await other.stop();
    }
  });

  it('requires start_time on the first export request, at least a minute old', async () => {
    expect((await get('/incremental/users/cursor')).status).toBe(400);
    const recent = Math.floor(Date.now() / 1000) - 10;
    const tooRecent = await get(`/incremental/users/cursor?start_time=${recent}`);
    expect(tooRecent.status).toBe(400);
    expect(tooRecent.body.description).toMatch(/Too recent start_time/);
  });

  it('exports every user once, oldest change first, agents and deleted users included', async () => {
    const seen: any[] = [];
    let page = await get(`/incremental/users/cursor?start_time=${ZENDESK_EPOCH}&per_page=100`);
    seen.push(...page.body.users);
    let requests = 1;
    while (!page.body.end_of_stream) {
      page = await get(page.body.after_url);
      seen.push(...page.body.users);
      requests++;
    }
    const account = zd.account(0);
    expect(seen).toHaveLength(account.users.length);
    expect(new Set(seen.map((u) => u.id)).size).toBe(account.users.length);
    expect(requests).toBe(Math.ceil(account.users.length / 100));
    const keys = seen.map((u) => [Date.parse(u.updated_at), u.id] as const);
    for (let k = 1; k < keys.length; k++) {
      expect(
        keys[k][0] > keys[k - 1][0] ||
          (keys[k][0] === keys[k - 1][0] && keys[k][1] > keys[k - 1][1]),
      ).toBe(true);
    }
    expect(seen.some((u) => u.role === 'agent')).toBe(true);
    expect(seen.some((u) => u.role === 'admin')).toBe(true);
    expect(seen.some((u) => u.active === false)).toBe(true);
    // Whole seconds, as the API writes them.
    expect(seen.every((u) => /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/.test(u.updated_at))).toBe(true);

    // The last cursor stays valid: polled later it brings only what changed, once visible.
    const nowS = Math.floor(Date.now() / 1000);
    const changed = account.users[40];
    zd.updateUser(0, changed.id, { name: 'Renamed' }, nowS - 120);
    const fresh = account.users[41];
    zd.updateUser(0, fresh.id, { name: 'Too fresh' }, nowS);
    const poll = await get(page.body.after_url);
    expect(poll.body.users.map((u: any) => u.id)).toEqual([changed.id]);
    expect(poll.body.end_of_stream).toBe(true);
    // A minute later the fresh change shows.
    const clock = zd.clock;
    zd.clock = () => Date.now() + 61_000;
    try {
      const later = await get(poll.body.after_url);
      expect(later.body.users.map((u: any) => u.id)).toEqual([fresh.id]);
    } finally {
      zd.clock = clock;
    }
  });

  it('time-based export repeats users sharing the end_time second on the next page', async () => {
    const first = await get(`/incremental/users?start_time=${ZENDESK_EPOCH}&per_page=50`);
    expect(first.body.count).toBe(50);
    expect(first.body.end_of_stream).toBe(false);
    const last = first.body.users[49];
    expect(first.body.end_time).toBe(Date.parse(last.updated_at) / 1000);
    const second = await get(first.body.next_page);
    const firstIds = new Set(first.body.users.map((u: any) => u.id));
    expect(second.body.users.some((u: any) => firstIds.has(u.id))).toBe(true);
  });

  it('filters roles with repeated role[] parameters', async () => {
    const both = await get('/users?role[]=agent&role[]=admin&page[size]=100');
    const roles = new Set(both.body.users.map((u: any) => u.role));
    expect([...roles].sort()).toEqual(['admin', 'agent']);
    expect(both.body.users).toHaveLength(12);
    const agents = await get('/users?role=agent&page[size]=100');
    expect(agents.body.users.every((u: any) => u.role === 'agent')).toBe(true);
    expect((await get('/users?role=agent,admin')).body.users).toHaveLength(0);
    expect((await get('/users?page[size]=101')).status).toBe(400);
  });

  it('pages with page[size] and page[after] until has_more is false', async () => {
    const ids: number[] = [];
    let page = await get('/users?role=end-user&page[size]=100');
    ids.push(...page.body.users.map((u: any) => u.id));
    while (page.body.meta.has_more) {
      page = await get(page.body.links.next);
      ids.push(...page.body.users.map((u: any) => u.id));
    }
    const active = zd.account(0).users.filter((u) => u.role === 'end-user' && u.active);
    expect(ids.sort()).toEqual(active.map((u) => u.id).sort());
  });

  it('limits the incremental exports per minute with 429 and Retry-After', async () => {
    zd.limits = { perMinute: 700, incrementalPerMinute: 2, windowMs: 60_000 };
    const path = `/incremental/users/cursor?start_time=${ZENDESK_EPOCH}&per_page=10`;
    expect((await get(path)).status).toBe(200);
    const ok = await get(path);
    expect(ok.headers.get('x-rate-limit')).toBe('700');
    const refused = await get(path);
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(refused.body.error).toBe('APIRateLimitExceeded');
    // Other endpoints still answer; the other account has its own limit.
    expect((await get('/users/me')).status).toBe(200);
    expect((await get(path, 1)).status).toBe(200);
  });

  it('searches users by phone digits and email', async () => {
    const user = zd.account(0).users.find((u) => u.phone?.startsWith('('))!;
    const digits = user.phone!.replace(/\D/g, '');
    const byNational = await get(`/users/search?query=${encodeURIComponent(`phone:${digits}`)}`);
    expect(byNational.body.users.map((u: any) => u.id)).toContain(user.id);
    const byE164 = await get(`/users/search?query=${encodeURIComponent(`phone:+1${digits}`)}`);
    expect(byE164.body.users.map((u: any) => u.id)).not.toContain(user.id);
    const withEmail = zd
      .account(0)
      .users.find((u) => u.email && u.role === 'end-user' && u.active)!;
    const byEmail = await get(
      `/users/search?query=${encodeURIComponent(`email:"${withEmail.email}"`)}`,
    );
    expect(byEmail.body.users.map((u: any) => u.id)).toEqual([withEmail.id]);
  });

  it('lists requested tickets newest first and their comments', async () => {
    const requester = zd.account(0).tickets[0].requester_id;
    const tickets = await get(
      `/users/${requester}/tickets/requested?page[size]=2&sort=-created_at`,
    );
    expect(tickets.body.tickets).toHaveLength(2);
    expect(tickets.body.meta.has_more).toBe(true);
    const times = tickets.body.tickets.map((t: any) => Date.parse(t.created_at));
    expect(times[0]).toBeGreaterThan(times[1]);
    const comments = await get(`/tickets/${tickets.body.tickets[0].id}/comments`);
    expect(comments.body.comments.length).toBeGreaterThan(0);
  });

  it('creates a ticket, refusing an unknown requester with 422 RecordInvalid', async () => {
    const requester = zd.account(0).users.find((u) => u.role === 'end-user' && u.active)!;
    const post = (ticket: unknown) =>
      fetch(url('/tickets'), {
        method: 'POST',
        headers: { authorization: auth(0), 'content-type': 'application/json' },
        body: JSON.stringify({ ticket }),
      });
    const created = await post({
      subject: 'Call',
      comment: { body: 'Called' },
      requester_id: requester.id,
    });
    expect(created.status).toBe(201);
    expect(((await created.json()) as any).ticket.requester_id).toBe(requester.id);
    const refused = await post({ subject: 'Call', comment: { body: 'x' }, requester_id: 1 });
    expect(refused.status).toBe(422);
    expect(((await refused.json()) as any).error).toBe('RecordInvalid');
  });
});
