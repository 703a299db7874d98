import { FakePipedrive } from '../support/upstreams/fake-pipedrive';
import { PIPEDRIVE_COMPANIES } from '../support/upstreams/fake-pipedrive-data';

/** The Pipedrive stand-in answers as the v2 documentation and the official client say. */

describe('Pipedrive stand-in', () => {
  const pd = new FakePipedrive({ persons: 240, users: 8 });
  const url = (path: string, i: 0 | 1 = 0) =>
    `${pd.server.origin}/${PIPEDRIVE_COMPANIES[i].domain}/api${path}`;
  const call = async (path: string, init: RequestInit & { token?: string } = {}, i: 0 | 1 = 0) => {
    const res = await fetch(path.startsWith('http') ? path : url(path, i), {
      ...init,
      headers: {
        'x-api-token': init.token ?? pd.company(i).apiToken,
        'content-type': 'application/json',
      },
    });
    return { status: res.status, headers: res.headers, body: (await res.json()) as any };
  };

  beforeAll(() => pd.start());
  afterAll(() => pd.stop());
  beforeEach(() => {
    pd.windows.reset();
    pd.limits = { perWindow: 10_000, searchPerWindow: 10_000, windowMs: 2_000 };
  });

  it('takes the token as x-api-token or api_token; anything else is 401', async () => {
    expect((await call('/v1/users/me')).body.data.company_domain).toBe('hooli');
    const query = await fetch(url(`/v1/users/me?api_token=${pd.company(0).apiToken}`));
    expect(query.status).toBe(200);
    const wrong = await call('/v1/users/me', { token: 'nope' });
    expect(wrong).toMatchObject({
      status: 401,
      body: { success: false, error: 'unauthorized access' },
    });
    expect((await call('/v1/users/me', { token: PIPEDRIVE_COMPANIES[1].apiToken })).status).toBe(
      401,
    );
    const other = new FakePipedrive({ persons: 2, users: 1 });
    await other.start();
    try {
      const me = () =>
        fetch(`${other.server.origin}/hooli/api/v1/users/me`, {
          headers: { 'x-api-token': PIPEDRIVE_COMPANIES[0].apiToken },
        });
      expect((await me()).status).toBe(200);
      other.regenerateToken(0);
      expect((await me()).status).toBe(401);
    } finally {
      await other.stop();
    }
  });

  it('answers the removed v1 person endpoints with 410 Gone', async () => {
    expect((await call('/v1/persons')).status).toBe(410);
    expect((await call('/v1/persons/search?term=ab')).status).toBe(410);
    expect((await call('/v1/activities', { method: 'POST', body: '{}' })).status).toBe(410);
  });

  it('pages persons by cursor, 500 at most, deleted ones left out', async () => {
    expect((await call('/v2/persons?limit=501')).status).toBe(400);
    const ids: number[] = [];
    let cursor: string | null = null;
    let requests = 0;
    do {
      const page = await call(
        `/v2/persons?limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
      );
      ids.push(...page.body.data.map((p: any) => p.id));
      cursor = page.body.additional_data.next_cursor;
      requests++;
    } while (cursor);
    const live = pd.company(0).persons.filter((p) => !p.is_deleted);
    expect(ids).toEqual(live.map((p) => p.id).sort((a, b) => a - b));
    expect(requests).toBe(Math.ceil(live.length / 100));
    expect((await call('/v2/persons?limit=500')).body.additional_data.next_cursor).toBeNull();
  });

  it('filters by updated_since and sorts by update_time, the id breaking ties', async () => {
    const live = pd.company(0).persons.filter((p) => !p.is_deleted);
    const cut = live[100].update_s;
    const since = new Date(cut * 1000).toISOString().replace('.000', '');
    const seen: any[] = [];
    let cursor: string | null = null;
    do {
      const page = await call(
        `/v2/persons?limit=7&sort_by=update_time&updated_since=${since}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
      );
      seen.push(...page.body.data);
      cursor = page.body.additional_data.next_cursor;
    } while (cursor);
    const expected = live
      .filter((p) => p.update_s >= cut)
      .sort((a, b) => a.update_s - b.update_s || a.id - b.id)
      .map((p) => p.id);
    expect(seen.map((p) => p.id)).toEqual(expected);
    expect(seen[0].update_time).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  });

  it('keeps phones as typed; search finds the stored form, not E.164', async () => {
    const person = pd
      .company(0)
      .persons.find((p) => !p.is_deleted && p.phones[0]?.value.startsWith('('))!;
    const typed = person.phones[0].value;
    const search = (term: string, exact = true) =>
      call(`/v2/persons/search?fields=phone&exact_match=${exact}&term=${encodeURIComponent(term)}`);
    const hit = await search(typed);
    expect(hit.body.data.items.map((x: any) => x.item.id)).toEqual([person.id]);
    expect((await search(`+1${typed.replace(/\D/g, '')}`)).body.data.items).toEqual([]);
    const partial = await search(typed.slice(-4), false);
    expect(partial.body.data.items.map((x: any) => x.item.id)).toContain(person.id);
    expect((await search('a', false)).status).toBe(400);
  });

  it('reads the organization in a second request', async () => {
    const person = pd.company(0).persons.find((p) => p.org_id)!;
    const listed = await call(`/v2/persons/${person.id}`);
    expect(listed.body.data.org_id).toBe(person.org_id);
    expect(listed.body.data.org_name).toBeUndefined();
    const org = await call(`/v2/organizations/${person.org_id}`);
    expect(org.body.data.name).toMatch(/ hooli$/);
    expect((await call('/v2/organizations/999999')).status).toBe(404);
  });

  it('lists users in one answer, one without an email', async () => {
    const users = await call('/v1/users');
    expect(users.body.data).toHaveLength(8);
    expect(users.body.data.filter((u: any) => u.email === null)).toHaveLength(1);
    expect(users.body.data[0].created).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/);
  });

  it('lists activities per person and notes with v1 paging', async () => {
    const activity = pd.company(0).activities[0];
    const list = await call(
      `/v2/activities?person_id=${activity.person_id}&sort_by=add_time&sort_direction=desc`,
    );
    expect(list.body.data).toHaveLength(2);
    expect(Date.parse(list.body.data[0].add_time)).toBeGreaterThan(
      Date.parse(list.body.data[1].add_time),
    );
    const note = pd.company(0).notes[0];
    const notes = await call(`/v1/notes?person_id=${note.person_id}&limit=1`);
    expect(notes.body.data[0].content).toBe(note.content);
    expect(notes.body.additional_data.pagination.more_items_in_collection).toBe(false);
  });

  it('adds an activity; a person id sent as a string is refused', async () => {
    const person = pd.company(0).persons.find((p) => !p.is_deleted)!;
    const post = (body: unknown) =>
      call('/v2/activities', { method: 'POST', body: JSON.stringify(body) });
    const ok = await post({ subject: 'Call', type: 'call', person_id: person.id, done: true });
    expect(ok.status).toBe(200);
    expect(ok.body.data).toMatchObject({ person_id: person.id, type: 'call', done: true });
    const asString = await post({ subject: 'Call', type: 'call', person_id: String(person.id) });
    expect(asString.status).toBe(400);
    expect(asString.body.error).toMatch(/person_id/);
    expect((await post({ subject: 'Call', done: 1 })).status).toBe(400);
  });

  it('limits requests per token and 2-second window, search more tightly', async () => {
    pd.limits = { perWindow: 3, searchPerWindow: 1, windowMs: 2_000 };
    const first = await call('/v1/users/me');
    expect(first.headers.get('x-ratelimit-limit')).toBe('3');
    expect(first.headers.get('x-ratelimit-remaining')).toBe('2');
    await call('/v1/users/me');
    await call('/v1/users/me');
    const refused = await call('/v1/users/me');
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('x-ratelimit-reset'))).toBeGreaterThan(0);
    expect((await call('/v2/persons/search?term=Richard')).status).toBe(200);
    expect((await call('/v2/persons/search?term=Richard')).status).toBe(429);
    expect((await call('/v1/users/me', {}, 1)).status).toBe(200);
  });
});
