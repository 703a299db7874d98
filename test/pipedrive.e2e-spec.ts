import { expectError, syncAgents, syncContacts } from './support/talkdesk';
import { startTestApp, TestApp } from './support/test-app';
import { FakePipedrive } from './support/upstreams/fake-pipedrive';
import { pipedriveCredentials } from './support/upstreams/fake-pipedrive-data';

/** The whole bridge over connectors/pipedrive.yaml and the Pipedrive stand-in. */

const PERSONS = 1200;
const UPSTREAM_PAGE = 500;

describe('Pipedrive (connectors/pipedrive.yaml)', () => {
  let pd: FakePipedrive;
  let t: TestApp;
  const hooli = pipedriveCredentials(0);
  const piedpiper = pipedriveCredentials(1);
  const personCalls = (domain: string) =>
    pd.server.requests.filter((r) => r.path === `/${domain}/api/v2/persons`).length;

  beforeAll(async () => {
    pd = new FakePipedrive({ persons: PERSONS, users: 8 });
    // Generous limits unless a test says otherwise (Essential's 20 per 2 s is tested below).
    pd.limits = { perWindow: 10_000, searchPerWindow: 10_000, windowMs: 2_000 };
    await pd.start();
    t = await startTestApp({
      connector: 'rest',
      connectorManifest: 'connectors/pipedrive.yaml',
      connectorBaseUrl: pd.baseUrl,
      contactsPageSize: 250,
    });
  });
  afterAll(async () => {
    await t?.close();
    await pd?.stop();
  });
  beforeEach(() => pd.windows.reset());

  it('validates the token: 200 with the company, 401 for a wrong or regenerated one', async () => {
    const ok = await t.post('/auth/validate', { auth: hooli });
    expect(ok.status).toBe(200);
    expect(ok.body).toEqual({ company_id: 7001 });
    expectError(
      await t.post('/auth/validate', { auth: { ...hooli, api_token: 'x'.repeat(40) } }),
      401,
    );
    expectError(
      await t.post('/auth/validate', { auth: { ...hooli, company_domain: 'nope' } }),
      401,
    );
  });

  it('a full sync sends every live person exactly once, near the fewest upstream requests', async () => {
    const before = personCalls('hooli');
    const run = await syncContacts(t, hooli);
    const ids = run.contacts.map((c) => c.id);
    const live = pd.company(0).persons.filter((p) => !p.is_deleted);
    expect(new Set(ids).size).toBe(ids.length);
    expect([...ids].sort()).toEqual(live.map((p) => String(p.id)).sort());
    const requests = personCalls('hooli') - before;
    const minimum = Math.ceil(live.length / UPSTREAM_PAGE);
    // Reported in the docs page: requests per full sync against the vendor's minimum.
    console.log(
      `pipedrive full sync: ${live.length} persons, ${run.pages.length} Talkdesk pages, ${requests} upstream requests, minimum ${minimum}`,
    );
    // A page of 500 spans Talkdesk pages of 250: read once.
    expect(requests).toBeLessThanOrEqual(minimum + 1);
    const sample = live.find((p) => p.phones.length && p.emails.length)!;
    const sent = run.contacts.find((c) => c.id === String(sample.id));
    expect(sent.name).toBe(sample.name);
    expect(sent.emails).toEqual(sample.emails.map((e) => e.value));
    expect(sent.phones.length).toBe(sample.phones.length);
    expect(sent.phones[0]).toMatch(/^\+1\d{10}$/);
    // The organization's name, read once per organization (enrichment cache).
    const withOrg = live.find((p) => p.org_id)!;
    const org = pd.company(0).organizations.find((o) => o.id === withOrg.org_id)!;
    expect(run.contacts.find((c) => c.id === String(withOrg.id)).company).toBe(org.name);
    expect(
      run.contacts.find((c) => c.id === String(live.find((p) => !p.org_id)!.id)).company,
    ).toBeUndefined();
    const orgCalls = pd.server.requests.filter((r) =>
      r.path.startsWith('/hooli/api/v2/organizations/'),
    );
    expect(orgCalls.length).toBe(
      new Set(live.map((p) => p.org_id).filter((id) => id !== null)).size,
    );
    expect(typeof run.checkpoint).toBe('string');
    const theirs = new Set(pd.company(1).persons.map((p) => String(p.id)));
    expect(ids.filter((id) => theirs.has(id))).toEqual([]);
  });

  it('an incremental sync after changes brings those persons', async () => {
    const first = await syncContacts(t, piedpiper);
    const now = Math.floor(Date.now() / 1000);
    const live = pd.company(1).persons.filter((p) => !p.is_deleted);
    const changed = [live[3], live[500], live[900]];
    changed.forEach((p, k) => pd.updatePerson(1, p.id, { name: `Changed ${k}` }, now - 30 + k));
    const before = personCalls('piedpiper');
    const again = await syncContacts(t, piedpiper, first.checkpoint);
    expect(personCalls('piedpiper') - before).toBeLessThanOrEqual(1 + 1);
    const ids = again.contacts.map((c) => c.id);
    for (const p of changed) expect(ids).toContain(String(p.id));
    expect(new Set(ids).size).toBe(ids.length);
    // Only the changes and the bounded look-back re-sends, not the whole base.
    expect(ids.length).toBeLessThan(10);
    const last = pd.server.requests.filter((r) => r.path === '/piedpiper/api/v2/persons').pop()!;
    expect(last.url.searchParams.get('updated_since')).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect(last.url.searchParams.get('sort_by')).toBe('update_time');
  });

  it('agents: every user with an email, once', async () => {
    const run = await syncAgents(t, hooli);
    const users = pd.company(0).users.filter((u) => u.email);
    expect(run.agents.map((a) => a.id).sort()).toEqual(users.map((u) => String(u.id)).sort());
  });

  it('interactions: activities and notes, in Talkdesk’s enumerations, newest first', async () => {
    const activity = pd.company(0).activities[0];
    const res = await t.post('/interactions/retrieve', {
      auth: hooli,
      meta: { interaction_types: ['call', 'meeting', 'task', 'note'] },
      data: {
        contact_external_id: String(activity.person_id),
        contact_emails: [],
        contact_phones: [],
      },
    });
    expect(res.status).toBe(200);
    expect(res.body.length).toBe(3);
    expect(res.body.map((i: any) => i.type)).toContain('note');
    for (const i of res.body) {
      expect(['none', 'low', 'normal', 'high', 'urgent']).toContain(i.priority);
      expect(['new', 'open', 'pending', 'solved', 'closed']).toContain(i.status);
    }
    const dates = res.body.map((i: any) => i.date);
    expect(dates).toEqual([...dates].sort().reverse());
    const person = pd.company(0).persons.find((p) => p.id === activity.person_id)!;
    const byEmail = await t.post('/interactions/retrieve', {
      auth: hooli,
      meta: { interaction_types: ['note'] },
      data: { contact_emails: [person.emails[0].value], contact_phones: [] },
    });
    expect(byEmail.body.map((i: any) => i.type)).toEqual(['note']);
  });

  it('finds the caller by the phone forms in order: Talkdesk’s E.164 against what was typed', async () => {
    const typed = (prefix: string) =>
      pd
        .company(0)
        .persons.find(
          (p) =>
            !p.is_deleted &&
            p.phones[0]?.value.startsWith(prefix) &&
            pd.company(0).notes.some((n) => n.person_id === p.id),
        )!;
    // Typed with parentheses, spaces, nothing; with dots and dashes only the last four digits
    // (the last form) find them.
    for (const person of [typed('('), typed('+1 '), typed('+1'), typed('646.'), typed('646-')]) {
      const digits = person.phones[0].value.replace(/\D/g, '').slice(-10);
      const before = pd.server.requests.length;
      const res = await t.post('/interactions/retrieve', {
        auth: hooli,
        meta: { interaction_types: ['note'] },
        data: { contact_phones: [`+1${digits}`] },
      });
      expect(res.status).toBe(200);
      expect(res.body.map((i: any) => i.type)).toEqual(['note']);
      const searches = pd.server.requests
        .slice(before)
        .filter((r) => r.path.endsWith('/persons/search'));
      expect(searches.length).toBeLessThanOrEqual(5);
    }
    // A number nobody has: every form tried once, then nothing.
    const before = pd.server.requests.length;
    const none = await t.post('/interactions/retrieve', {
      auth: hooli,
      meta: { interaction_types: ['note'] },
      data: { contact_phones: ['+14155550199'] },
    });
    expect(none.status).toBe(200);
    expect(none.body).toEqual([]);
    const terms = pd.server.requests.slice(before).map((r) => r.url.searchParams.get('term'));
    expect(terms).toEqual([
      '+14155550199',
      '(415) 555-0199',
      '+1 415 555 0199',
      '4155550199',
      '0199',
    ]);
    for (const r of pd.server.requests.slice(before)) {
      expect(r.url.searchParams.get('exact_match')).toBe('false');
    }
  });

  it('finds a caller whose number was typed with an extension, never a stranger sharing its digits', async () => {
    const company = pd.company(0);
    const [stranger, paren, dashed] = company.persons
      .filter((p) => !p.is_deleted && company.notes.some((n) => n.person_id === p.id))
      .sort((a, b) => a.id - b.id)
      .slice(-3);
    const phone = (value: string) => [{ value, primary: true, label: 'work' as const }];
    paren.phones = phone('(415) 555-4477 ext. 12');
    dashed.phones = phone('415-555-4478 x12');
    // Another number holding the same last four digits, listed first by the search.
    stranger.phones = phone('628-555-4478');
    const notesOf = (id: number) =>
      company.notes
        .filter((n) => n.person_id === id)
        .map((n) => String(n.id))
        .sort();
    const lookUp = async (caller: string) => {
      const before = pd.server.requests.length;
      const res = await t.post('/interactions/retrieve', {
        auth: hooli,
        meta: { interaction_types: ['note'] },
        data: { contact_phones: [caller] },
      });
      expect(res.status).toBe(200);
      const terms = pd.server.requests
        .slice(before)
        .filter((r) => r.path.endsWith('/persons/search'))
        .map((r) => r.url.searchParams.get('term'));
      return { ids: res.body.map((i: { id: string }) => i.id).sort(), terms };
    };
    // `(415) 555-4477 ext. 12` holds the national form: the second search finds it.
    const first = await lookUp('+14155554477');
    expect(first.ids).toEqual(notesOf(paren.id));
    expect(first.terms).toEqual(['+14155554477', '(415) 555-4477']);
    const listed = company.persons
      .filter((p) => !p.is_deleted && p.phones.some((x) => x.value.includes('4478')))
      .sort((a, b) => a.id - b.id);
    expect(listed[0].id).not.toBe(dashed.id);
    // `415-555-4478 x12` holds only the last four digits as typed; so does the stranger's
    // number, which the search lists first: the caller is the one whose number is the caller's.
    const second = await lookUp('+14155554478');
    expect(second.ids).toEqual(notesOf(dashed.id));
    expect(second.terms).toHaveLength(5);
    expect(second.terms[4]).toBe('4478');
    // The stranger's own number finds the stranger.
    expect((await lookUp('+16285554478')).ids).toEqual(notesOf(stranger.id));
  });

  it('log_call: creates a call activity with the person id as a number', async () => {
    const person = pd.company(0).persons.find((p) => !p.is_deleted)!;
    const res = await t.post('/actions/log_call', {
      auth: hooli,
      meta: { contact_external_id: String(person.id) },
      data: { subject: 'Inbound call', note: 'Asked about pricing' },
    });
    expect(res.status).toBe(201);
    const post = pd.server.requests.filter((r) => r.method === 'POST').pop()!;
    expect(post.body).toEqual({
      subject: 'Inbound call',
      type: 'call',
      done: true,
      note: 'Asked about pricing',
      person_id: person.id,
    });
    expect(res.body.external_id).toBe(String(pd.company(0).activities.at(-1)!.id));
  });

  it('answers 401 once the token is regenerated', async () => {
    const other = new FakePipedrive({ persons: 3, users: 2 });
    await other.start();
    const app = await startTestApp({
      connector: 'rest',
      connectorManifest: 'connectors/pipedrive.yaml',
      connectorBaseUrl: other.baseUrl,
    });
    try {
      expect((await app.post('/auth/validate', { auth: hooli })).status).toBe(200);
      other.regenerateToken(0);
      expectError(await app.post('/contacts/sync', { auth: hooli }), 401);
    } finally {
      await app.close();
      await other.stop();
    }
  });

  it('a sync running into the 2-second window (429 without Retry-After) completes', async () => {
    // Pipedrive answers 429 with x-ratelimit-reset but no Retry-After: the bridge waits that
    // reset when its budget holds it, else answers 503 with it as Retry-After, which Talkdesk
    // asks again after (two requests a window leave some pages no time for a whole batch).
    pd.limits = { perWindow: 2, searchPerWindow: 10, windowMs: 2_000 };
    const before = pd.rateLimited;
    try {
      const run = await syncContacts(t, piedpiper, undefined, { retryUnavailable: 20 });
      const live = pd.company(1).persons.filter((p) => !p.is_deleted);
      expect(run.contacts.map((c) => c.id).sort()).toEqual(live.map((p) => String(p.id)).sort());
      expect(pd.rateLimited).toBeGreaterThan(before);
    } finally {
      pd.limits = { perWindow: 10_000, searchPerWindow: 10_000, windowMs: 2_000 };
    }
  });
});
