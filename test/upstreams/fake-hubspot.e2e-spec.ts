import {
  FakeHubSpot,
  HUBSPOT_EXPIRED_TOKEN,
  HUBSPOT_PORTALS,
  searchablePhone,
} from '../support/upstreams/fake-hubspot';

/** The HubSpot stand-in itself: its paging, caps, limits and errors, as its documentation says. */
describe('HubSpot stand-in', () => {
  const clock = { now: Date.UTC(2026, 0, 10, 12) };
  const hubspot = new FakeHubSpot({ contacts: 10_050, now: () => clock.now });
  const token = HUBSPOT_PORTALS[0].token;
  const call = async (
    path: string,
    init: { method?: string; body?: unknown; token?: string } = {},
  ) => {
    const res = await fetch(`${hubspot.baseUrl}${path}`, {
      method: init.method ?? (init.body ? 'POST' : 'GET'),
      headers: {
        authorization: `Bearer ${init.token ?? token}`,
        ...(init.body !== undefined && { 'content-type': 'application/json' }),
      },
      body: init.body === undefined ? undefined : JSON.stringify(init.body),
    });
    return { status: res.status, headers: res.headers, body: (await res.json()) as any };
  };
  const search = (body: unknown) => call('/crm/v3/objects/contacts/search', { body });

  beforeAll(() => hubspot.start());
  afterAll(() => hubspot.stop());
  beforeEach(() => {
    clock.now += 60_000;
  });

  it('refuses an expired token and an unknown one with 401 and their categories', async () => {
    const expired = await call('/account-info/v3/details', { token: HUBSPOT_EXPIRED_TOKEN });
    expect(expired.status).toBe(401);
    expect(expired.body.category).toBe('EXPIRED_AUTHENTICATION');
    const unknown = await call('/account-info/v3/details', { token: 'pat-na1-nope' });
    expect(unknown.status).toBe(401);
    expect(unknown.body.category).toBe('INVALID_AUTHENTICATION');
    const ok = await call('/account-info/v3/details');
    expect(ok.body.portalId).toBe(HUBSPOT_PORTALS[0].portalId);
  });

  it('lists every contact exactly once through `after` cursors, past 10,000 (the list is uncapped)', async () => {
    const seen: string[] = [];
    let after: string | undefined;
    let requests = 0;
    do {
      clock.now += 100; // inside the burst limit of 190 per 10 s
      const page = await call(
        `/crm/v3/objects/contacts?limit=100&properties=email,phone${after ? `&after=${after}` : ''}`,
      );
      expect(page.status).toBe(200);
      seen.push(...page.body.results.map((c: { id: string }) => c.id));
      after = page.body.paging?.next?.after;
      requests++;
    } while (after);
    expect(seen).toHaveLength(10_050);
    expect(new Set(seen).size).toBe(10_050);
    expect(requests).toBe(101);
  });

  it('refuses a list page over 100', async () => {
    expect((await call('/crm/v3/objects/contacts?limit=101')).status).toBe(400);
  });

  it('searches by update time in order, pages by offset, and answers 400 past 10,000 results', async () => {
    const first = await search({
      filterGroups: [
        { filters: [{ propertyName: 'lastmodifieddate', operator: 'GTE', value: '0' }] },
      ],
      sorts: [{ propertyName: 'lastmodifieddate', direction: 'ASCENDING' }],
      properties: ['email'],
      limit: 200,
    });
    expect(first.status).toBe(200);
    expect(first.body.total).toBe(10_050);
    expect(first.headers.get('retry-after')).toBeNull();
    const times = first.body.results.map((c: any) => Date.parse(c.properties.lastmodifieddate));
    expect([...times].sort((a, b) => a - b)).toEqual(times);
    expect(first.body.paging.next.after).toBe('200');

    clock.now += 1000;
    const last = await search({
      sorts: [{ propertyName: 'lastmodifieddate', direction: 'ASCENDING' }],
      limit: 200,
      after: '9800',
    });
    expect(last.status).toBe(200);
    expect(last.body.results).toHaveLength(200);
    expect(last.body.paging.next.after).toBe('10000');
    const beyond = await search({
      sorts: [{ propertyName: 'lastmodifieddate', direction: 'ASCENDING' }],
      limit: 200,
      after: '10000',
    });
    expect(beyond.status).toBe(400);
    expect(beyond.body.category).toBe('VALIDATION_ERROR');
    expect(beyond.body.message).toContain('10000');
  });

  it('allows five searches a second per token, then 429 RATE_LIMIT without Retry-After', async () => {
    const answers = [];
    for (let i = 0; i < 6; i++) answers.push(await search({ limit: 1 }));
    expect(answers.slice(0, 5).map((a) => a.status)).toEqual([200, 200, 200, 200, 200]);
    expect(answers[5].status).toBe(429);
    expect(answers[5].headers.get('retry-after')).toBeNull();
    expect(answers[5].body).toMatchObject({
      status: 'error',
      errorType: 'RATE_LIMIT',
      policyName: 'SECONDLY',
    });
    // Another token has its own budget; a second later the first has one again.
    const other = await call('/crm/v3/objects/contacts/search', {
      body: { limit: 1 },
      token: HUBSPOT_PORTALS[1].token,
    });
    expect(other.status).toBe(200);
    clock.now += 1000;
    expect((await search({ limit: 1 })).status).toBe(200);
  });

  it('refuses two sorting rules and more than 200 a page', async () => {
    const two = await search({
      sorts: [
        { propertyName: 'lastmodifieddate', direction: 'ASCENDING' },
        { propertyName: 'hs_object_id', direction: 'ASCENDING' },
      ],
    });
    expect(two.status).toBe(400);
    clock.now += 1000;
    expect((await search({ limit: 201 })).status).toBe(400);
  });

  it('keeps phones as typed and finds them by the national number only', async () => {
    const typed = hubspot.contacts(0).find((c) => c.properties.phone?.startsWith('('))!;
    expect(typed.properties.phone).toMatch(/^\(\d{3}\) \d{3}-\d{4}$/);
    const national = searchablePhone(typed.properties.phone)!;
    expect(national).toMatch(/^\d{10}$/);
    const found = await search({
      filterGroups: [
        {
          filters: [
            {
              propertyName: 'hs_searchable_calculated_phone_number',
              operator: 'EQ',
              value: national,
            },
          ],
        },
      ],
      properties: ['phone'],
    });
    expect(found.body.results.map((c: any) => c.id)).toContain(typed.id);
    const withCountry = await search({
      filterGroups: [
        {
          filters: [
            {
              propertyName: 'hs_searchable_calculated_phone_number',
              operator: 'EQ',
              value: `1${national}`,
            },
          ],
        },
      ],
    });
    expect(withCountry.body.results.map((c: any) => c.id)).not.toContain(typed.id);
  });

  it("finds a contact's notes through associations.contact and creates one associated note", async () => {
    const contact = hubspot.contacts(0).find((c) => c.contactIds.length > 0)!;
    const notes = await call('/crm/v3/objects/notes/search', {
      body: {
        filterGroups: [
          {
            filters: [{ propertyName: 'associations.contact', operator: 'EQ', value: contact.id }],
          },
        ],
        properties: ['hs_note_body', 'hs_timestamp'],
      },
    });
    expect(notes.body.total).toBe(1);
    const missing = await call('/crm/v3/objects/notes', {
      body: { properties: { hs_note_body: 'x' }, associations: [] },
    });
    expect(missing.status).toBe(400);
    const created = await call('/crm/v3/objects/notes', {
      body: {
        properties: {
          hs_note_body: 'Logged from Talkdesk',
          hs_timestamp: new Date().toISOString(),
        },
        associations: [
          {
            to: { id: contact.id },
            types: [{ associationCategory: 'HUBSPOT_DEFINED', associationTypeId: 202 }],
          },
        ],
      },
    });
    expect(created.status).toBe(201);
    expect(created.body.id).toMatch(/^\d+$/);
    const v4 = await call(`/crm/v4/objects/contacts/${contact.id}/associations/notes`);
    expect(v4.body.results.map((r: any) => String(r.toObjectId))).toContain(created.body.id);
  });

  it('lists owners with queues that have no email', async () => {
    const owners = await call('/crm/v3/owners?limit=5');
    expect(owners.body.results).toHaveLength(5);
    const next = await call(`/crm/v3/owners?limit=500&after=${owners.body.paging.next.after}`);
    const all = [...owners.body.results, ...next.body.results];
    expect(new Set(all.map((o: any) => o.id)).size).toBe(all.length);
    expect(all.some((o: any) => o.type === 'QUEUE' && o.email === undefined)).toBe(true);
  });

  it('answers 429 TEN_SECONDLY_ROLLING past 190 requests in 10 seconds', async () => {
    clock.now += 20_000;
    let status = 200;
    let n = 0;
    while (status === 200 && n < 200) {
      status = (await call('/crm/v3/owners?limit=1')).status;
      n++;
    }
    expect(n).toBe(191);
    expect(status).toBe(429);
  });
});
