import {
  DATAVERSE_EXPIRED_TOKEN,
  DATAVERSE_ORGS,
  FakeDynamics365,
} from '../support/upstreams/fake-dynamics365';

/** The Dataverse stand-in itself: OData paging, filters, limits, errors and creates, as documented. */
describe('Dynamics 365 (Dataverse Web API) stand-in', () => {
  const clock = { now: Date.UTC(2026, 0, 10, 12) };
  const dv = new FakeDynamics365({ contacts: 1200, now: () => clock.now });
  const api = () => `${dv.orgUrl(0)}/api/data/v9.2`;
  const call = async (
    url: string,
    init: { method?: string; body?: unknown; token?: string; prefer?: string } = {},
  ) => {
    const res = await fetch(url.startsWith('http') ? url : `${api()}${url}`, {
      method: init.method ?? (init.body !== undefined ? 'POST' : 'GET'),
      headers: {
        authorization: `Bearer ${init.token ?? DATAVERSE_ORGS[0].accessToken}`,
        accept: 'application/json',
        'odata-maxversion': '4.0',
        ...(init.prefer && { prefer: init.prefer }),
        ...(init.body !== undefined && { 'content-type': 'application/json' }),
      },
      body: init.body === undefined ? undefined : JSON.stringify(init.body),
    });
    const text = await res.text();
    return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : undefined };
  };

  beforeAll(() => dv.start());
  afterAll(() => dv.stop());
  beforeEach(() => {
    clock.now += 301_000;
  });

  it('issues a token for the organization URL as scope, and answers WhoAmI with it', async () => {
    const form = new URLSearchParams({
      grant_type: 'client_credentials',
      client_id: 'bridge',
      client_secret: [...DATAVERSE_ORGS[0].tenantId].reverse().join(''),
      scope: `${dv.orgUrl(0)}/.default`,
    });
    const token = await fetch(
      `${dv.login.origin}/${DATAVERSE_ORGS[0].tenantId}/oauth2/v2.0/token`,
      { method: 'POST', body: form },
    );
    const issued = (await token.json()) as any;
    expect(issued).toMatchObject({
      token_type: 'Bearer',
      access_token: DATAVERSE_ORGS[0].accessToken,
    });
    const me = await call('/WhoAmI', { token: issued.access_token });
    expect(me.body.UserId).toBe(dv.org(0).callerId);
    form.set('scope', `${dv.orgUrl(1)}/.default`);
    const wrong = await fetch(
      `${dv.login.origin}/${DATAVERSE_ORGS[0].tenantId}/oauth2/v2.0/token`,
      { method: 'POST', body: form },
    );
    expect(wrong.status).toBe(401);
  });

  it("answers 401 with WWW-Authenticate for an expired token and for another environment's token", async () => {
    const expired = await call('/WhoAmI', { token: DATAVERSE_EXPIRED_TOKEN });
    expect(expired.status).toBe(401);
    expect(expired.headers.get('www-authenticate')).toContain('The access token is expired.');
    expect((await call('/WhoAmI', { token: DATAVERSE_ORGS[1].accessToken })).status).toBe(401);
  });

  it('pages contacts by odata.maxpagesize through @odata.nextLink, each once, in $orderby order', async () => {
    const ids: string[] = [];
    const keys: string[] = [];
    let url: string | undefined =
      `/contacts?$select=fullname,emailaddress1,telephone1,modifiedon&$orderby=modifiedon asc,contactid asc`;
    let requests = 0;
    while (url) {
      const page = await call(url, { prefer: 'odata.maxpagesize=500' });
      expect(page.status).toBe(200);
      expect(page.headers.get('preference-applied')).toBe('odata.maxpagesize=500');
      ids.push(...page.body.value.map((c: any) => c.contactid));
      keys.push(...page.body.value.map((c: any) => `${c.modifiedon}|${c.contactid}`));
      url = page.body['@odata.nextLink'];
      if (url) expect(url).toContain('$skiptoken=');
      requests++;
    }
    expect(requests).toBe(3);
    expect(new Set(ids).size).toBe(1200);
    expect([...keys].sort()).toEqual(keys);
    expect(keys[0]).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ\|/);
  });

  it('filters by modifiedon with an unquoted date-time and refuses a quoted one', async () => {
    const since = dv.rows(0, 'contacts')[600].modifiedon as string;
    const found = await call(
      `/contacts?$select=contactid&$filter=${encodeURIComponent(`modifiedon ge ${since}`)}&$count=true`,
    );
    expect(found.body['@odata.count']).toBe(
      dv.rows(0, 'contacts').filter((c) => String(c.modifiedon) >= since).length,
    );
    const quoted = await call(
      `/contacts?$filter=${encodeURIComponent(`modifiedon ge '${since}'`)}`,
    );
    expect(quoted.status).toBe(400);
    expect(quoted.body.error.code).toBe('0x80060888');
  });

  it('answers 400 for an unescaped apostrophe, finds the escaped one, and 400 for an unknown column', async () => {
    const contact = dv.rows(0, 'contacts').find((c) => String(c.emailaddress1).includes("'"))!;
    const email = String(contact.emailaddress1);
    const raw = await call(
      `/contacts?$filter=${encodeURIComponent(`emailaddress1 eq '${email}'`)}`,
    );
    expect(raw.status).toBe(400);
    expect(raw.body.error.code).toBe('0x80060888');
    const escaped = await call(
      `/contacts?$select=contactid&$filter=${encodeURIComponent(`emailaddress1 eq '${email.replace(/'/g, "''")}'`)}`,
    );
    expect(escaped.body.value.map((c: any) => c.contactid)).toEqual([contact.contactid]);
    const unknown = await call('/contacts?$select=nope');
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.message).toContain("Could not find a property named 'nope'");
  });

  it('keeps phones as typed: endswith finds the last digits only in that form', async () => {
    const contact = dv.rows(0, 'contacts').find((c) => String(c.telephone1).startsWith('('))!;
    const phone = String(contact.telephone1);
    const found = await call(
      `/contacts?$select=telephone1&$filter=${encodeURIComponent(`endswith(telephone1,'${phone.slice(-4)}')`)}`,
    );
    expect(found.body.value.map((c: any) => c.contactid)).toContain(contact.contactid);
    const e164 = await call(
      `/contacts?$filter=${encodeURIComponent(`telephone1 eq '+1${phone.replace(/\D/g, '')}'`)}`,
    );
    expect(e164.body.value.map((c: any) => c.contactid)).not.toContain(contact.contactid);
  });

  it('answers users (application users without an email), cases, tasks and phone calls with formatted values', async () => {
    const users = await call(
      '/systemusers?$select=fullname,internalemailaddress,isdisabled,accessmode,applicationid',
    );
    expect(
      users.body.value.some((u: any) => u.internalemailaddress === null && u.applicationid),
    ).toBe(true);
    const incident = dv.rows(0, 'incidents')[0];
    const contact = String(incident._customerid_value);
    const cases = await call(
      `/incidents?$select=title,ticketnumber,statecode,prioritycode,createdon&$filter=_customerid_value eq ${contact}`,
      { prefer: 'odata.include-annotations="OData.Community.Display.V1.FormattedValue"' },
    );
    expect(cases.body.value).toHaveLength(1);
    expect(cases.body.value[0]['prioritycode@OData.Community.Display.V1.FormattedValue']).toMatch(
      /^(High|Normal|Low)$/,
    );
    const calls = await call(
      `/phonecalls?$select=subject,directioncode,_regardingobjectid_value&$filter=_regardingobjectid_value eq ${contact}`,
      { prefer: 'odata.include-annotations="*"' },
    );
    expect(calls.body.value[0]['directioncode@OData.Community.Display.V1.FormattedValue']).toMatch(
      /^(Incoming|Outgoing)$/,
    );
    expect(
      calls.body.value[0]['_regardingobjectid_value@Microsoft.Dynamics.CRM.lookuplogicalname'],
    ).toBe('contact');
    expect(
      (await call(`/tasks?$filter=_regardingobjectid_value eq ${contact}`)).body.value,
    ).toHaveLength(1);
  });

  it('creates a task regarding a contact: 204 with OData-EntityId; typed values; unknown bind target 404', async () => {
    const contact = String(dv.rows(0, 'contacts')[0].contactid);
    const created = await call('/tasks', {
      body: {
        subject: 'Call from Talkdesk',
        prioritycode: 2,
        actualdurationminutes: 3,
        'regardingobjectid_contact_task@odata.bind': `/contacts(${contact})`,
      },
    });
    expect(created.status).toBe(204);
    const entityId = created.headers.get('odata-entityid')!;
    expect(entityId).toMatch(
      new RegExp(`^${api().replace(/[.]/g, '\\.')}/tasks\\([0-9a-f-]{36}\\)$`),
    );
    const id = /\(([0-9a-f-]{36})\)$/.exec(entityId)![1];
    expect(dv.org(0).tables.get('tasks')!.get(id)?._regardingobjectid_value).toBe(contact);
    const stringNumber = await call('/tasks', { body: { subject: 'x', prioritycode: '2' } });
    expect(stringNumber.status).toBe(400);
    expect(stringNumber.body.error.code).toBe('0x80048d19');
    const missing = await call('/tasks', {
      body: {
        subject: 'x',
        'regardingobjectid_contact_task@odata.bind':
          '/contacts(00000000-0000-4000-8000-000000000000)',
      },
    });
    expect(missing.status).toBe(404);
    const representation = await call('/tasks', {
      body: { subject: 'y' },
      prefer: 'return=representation',
    });
    expect(representation.status).toBe(201);
    expect(representation.body.subject).toBe('y');
  });

  it('answers 429 with Retry-After past the service protection limit', async () => {
    dv.limit.limit = 3;
    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push(await call('/WhoAmI'));
    expect(statuses.map((s) => s.status)).toEqual([200, 200, 200, 429]);
    expect(Number(statuses[3].headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(statuses[3].body.error.code).toBe('0x80072322');
    clock.now += 300_000;
    expect((await call('/WhoAmI')).status).toBe(200);
    dv.limit.limit = 6000;
  });
});
