import { findAccountId } from '../src/connectors/sql/sql-writer';
import { expectError, expectJson, syncAgents } from './support/talkdesk';
import { DEMO, OTHER, useTestApp } from './support/test-app';

/** What a usable address looks like once trimmed and lower-cased. */
const USABLE_EMAIL = /^[^\s@]+@[^\s@]+\.[a-z]{2,}$/;

describe('POST /agents/sync', () => {
  const PAGE = 7;
  let users: { id: string; name: string | null; email: string | null }[];

  const usersOf = async (username: string) => {
    const accountId = await findAccountId(t.db(), username);
    const rows = await t
      .db()
      .selectFrom('users')
      .select(['id', 'name', 'email'])
      .where('account_id', '=', accountId ?? -1)
      .orderBy('id')
      .execute();
    return rows.map((r) => ({ id: String(r.id), name: r.name, email: r.email }));
  };
  const usable = (email: string | null) => USABLE_EMAIL.test((email ?? '').trim().toLowerCase());

  const t = useTestApp({ agentsPageSize: PAGE });
  beforeAll(async () => {
    users = await usersOf(DEMO.username);
  });

  it('pages with integer next_offset until a page has none', async () => {
    const { pages } = await syncAgents(t, DEMO);
    expect(pages).toHaveLength(Math.ceil(users.length / PAGE));
    for (const page of pages.slice(0, -1)) {
      expect(Number.isInteger(page.body.next_offset)).toBe(true);
    }
    expect(pages[pages.length - 1].body).not.toHaveProperty('next_offset');
    for (const page of pages) {
      expect(page.status).toBe(200);
      expectJson(page);
      expect(page.body.agents.length).toBeLessThanOrEqual(PAGE);
    }
  });

  it('sends every user with a usable email exactly once, and none without', async () => {
    const { agents } = await syncAgents(t, DEMO);
    const expected = users.filter((u) => usable(u.email)).map((u) => u.id);
    const withoutEmail = users.filter((u) => !usable(u.email)).map((u) => u.id);
    // The demo holds both kinds.
    expect(expected.length).toBeGreaterThan(0);
    expect(withoutEmail.length).toBeGreaterThan(0);
    expect(agents.map((a) => a.id)).toEqual(expected);
    for (const id of withoutEmail) expect(agents.map((a) => a.id)).not.toContain(id);
  });

  it('sends string id, name and email, the email trimmed and lower-cased', async () => {
    const { agents } = await syncAgents(t, DEMO);
    const byId = new Map(users.map((u) => [u.id, u]));
    for (const agent of agents) {
      expect(Object.keys(agent).sort()).toEqual(['email', 'id', 'name']);
      expect(typeof agent.id).toBe('string');
      expect(typeof agent.name).toBe('string');
      expect(agent.name.trim().length).toBeGreaterThan(0);
      expect(agent.email).toBe(byId.get(agent.id)?.email?.trim().toLowerCase());
    }
    // Users with an empty name still get one.
    expect(users.some((u) => u.name === '' && usable(u.email))).toBe(true);
  });

  it('starts from the first page when meta is absent, null, or has a null offset', async () => {
    const reference = await t.post('/agents/sync', { auth: DEMO });
    expect(reference.status).toBe(200);
    for (const meta of [null, {}, { offset: null }]) {
      const res = await t.post('/agents/sync', { auth: DEMO, meta });
      expect(res.status).toBe(200);
      expect(res.body).toEqual(reference.body);
    }
  });

  it('reads an integer offset written as a string as that integer', async () => {
    const first = await t.post('/agents/sync', { auth: DEMO });
    const offset = first.body.next_offset as number;
    const asNumber = await t.post('/agents/sync', { auth: DEMO, meta: { offset } });
    const asString = await t.post('/agents/sync', { auth: DEMO, meta: { offset: String(offset) } });
    expect(asString.status).toBe(200);
    expect(asString.body).toEqual(asNumber.body);
    expect(asNumber.body.agents[0].id).not.toBe(first.body.agents[0].id);
  });

  it('answers an empty last page for an offset past the end', async () => {
    const res = await t.post('/agents/sync', { auth: DEMO, meta: { offset: 10_000_000 } });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ agents: [] });
  });

  it('answers 400 naming meta.offset for an offset that is not a non-negative integer', async () => {
    for (const offset of [-1, 1.5, 'abc', true, { n: 1 }]) {
      const res = await t.post('/agents/sync', { auth: DEMO, meta: { offset } });
      expectError(res, 400);
      expect(res.body.code).toBe('validation_failed');
      expect(res.body.message).toContain('meta.offset');
    }
  });

  it('keeps accounts apart: other@example.com gets only its own users', async () => {
    const { agents } = await syncAgents(t, OTHER);
    const own = (await usersOf(OTHER.username)).filter((u) => usable(u.email)).map((u) => u.id);
    expect(agents.map((a) => a.id)).toEqual(own);
    const demoIds = new Set(users.map((u) => u.id));
    expect(agents.filter((a) => demoIds.has(a.id))).toEqual([]);
  });

  it('answers 401 for wrong credentials', async () => {
    expectError(await t.post('/agents/sync', { auth: { ...DEMO, password: 'nope' } }), 401);
  });
});
