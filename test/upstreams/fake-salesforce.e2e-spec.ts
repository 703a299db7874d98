import { FakeSalesforce, SALESFORCE_EXPIRED_TOKEN } from '../support/upstreams/fake-salesforce';

/** The Salesforce stand-in itself: SOQL, query locators, limits and errors, as documented. */
describe('Salesforce stand-in', () => {
  const clock = { now: Date.UTC(2026, 0, 10, 12) };
  const sf = new FakeSalesforce({ contacts: 4500, now: () => clock.now });
  const org = () => sf.org(0);
  const get = async (
    path: string,
    options: { token?: string; base?: string; headers?: Record<string, string> } = {},
  ) => {
    const res = await fetch(`${options.base ?? org().instanceUrl}${path}`, {
      headers: {
        authorization: `Bearer ${options.token ?? org().accessToken}`,
        ...options.headers,
      },
    });
    const text = await res.text();
    let body: any = text;
    try {
      body = JSON.parse(text);
    } catch {
      // text answers (userinfo's Bad_OAuth_Token)
    }
    return { status: res.status, headers: res.headers, body };
  };
  const soql = (q: string, headers?: Record<string, string>) =>
    get(`/services/data/v62.0/query?q=${encodeURIComponent(q)}`, { headers });

  beforeAll(() => sf.start());
  afterAll(() => sf.stop());

  it('tells the org and its My Domain from the login server, and 403 Bad_OAuth_Token for an expired token', async () => {
    const me = await get('/services/oauth2/userinfo', { base: sf.login.origin });
    expect(me.status).toBe(200);
    expect(me.body.organization_id).toBe(org().organizationId);
    expect(me.body.urls.custom_domain).toBe(org().instanceUrl);
    const expired = await get('/services/oauth2/userinfo', {
      base: sf.login.origin,
      token: SALESFORCE_EXPIRED_TOKEN,
    });
    expect(expired.status).toBe(403);
    expect(expired.body).toBe('Bad_OAuth_Token');
  });

  it("answers 401 INVALID_SESSION_ID for an expired session and for another org's token", async () => {
    const expired = await get('/services/data/v62.0/limits', { token: SALESFORCE_EXPIRED_TOKEN });
    expect(expired.status).toBe(401);
    expect(expired.body).toEqual([
      { message: 'Session expired or invalid', errorCode: 'INVALID_SESSION_ID' },
    ]);
    const other = await get('/services/data/v62.0/limits', { token: sf.org(1).accessToken });
    expect(other.status).toBe(401);
  });

  it('walks a query through nextRecordsUrl in batches, every contact once, ordered by LastModifiedDate and Id', async () => {
    const first = await soql(
      'SELECT Id, Email, Phone, Account.Name, LastModifiedDate FROM Contact ORDER BY LastModifiedDate ASC, Id ASC',
    );
    expect(first.body.totalSize).toBe(4500);
    expect(first.body.records).toHaveLength(2000);
    expect(first.body.done).toBe(false);
    expect(first.body.nextRecordsUrl).toMatch(/^\/services\/data\/v62\.0\/query\/01g\w+-2000$/);
    const rows = [...first.body.records];
    let next: string | undefined = first.body.nextRecordsUrl;
    let requests = 1;
    while (next) {
      const page = await get(next);
      rows.push(...page.body.records);
      next = page.body.nextRecordsUrl;
      requests++;
    }
    expect(requests).toBe(3);
    expect(new Set(rows.map((r) => r.Id)).size).toBe(4500);
    // Second precision, written with .000+0000.
    expect(rows[0].LastModifiedDate).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.000\+0000$/);
    const keys = rows.map((r) => `${r.LastModifiedDate}|${r.Id}`);
    expect([...keys].sort()).toEqual(keys);
    expect(rows.find((r) => r.Account)?.Account.attributes.type).toBe('Account');
    // A locator can be read again while its cursor lives; an offset past the rows cannot.
    expect((await get(first.body.nextRecordsUrl)).body.records[0].Id).toBe(rows[2000].Id);
    const past = first.body.nextRecordsUrl.replace(/-2000$/, '-9999');
    expect((await get(past)).body[0].errorCode).toBe('INVALID_QUERY_LOCATOR');
  });

  it('takes a smaller batch size from Sforce-Query-Options (at least 200)', async () => {
    const small = await soql('SELECT Id FROM Contact', { 'Sforce-Query-Options': 'batchSize=500' });
    expect(small.body.records).toHaveLength(500);
    const tiny = await soql('SELECT Id FROM Contact', { 'Sforce-Query-Options': 'batchSize=10' });
    expect(tiny.body.records).toHaveLength(200);
  });

  it('expires a cursor idle for 15 minutes', async () => {
    const first = await soql('SELECT Id FROM Contact');
    clock.now += 15 * 60_000 + 1;
    const late = await get(first.body.nextRecordsUrl);
    expect(late.status).toBe(400);
    expect(late.body[0].errorCode).toBe('INVALID_QUERY_LOCATOR');
  });

  it('filters by unquoted date-time literals and refuses quoted ones', async () => {
    const c = [...org().records.Contact.values()][1000];
    const since = String(c.LastModifiedDate).replace('.000+0000', 'Z');
    const after = await soql(`SELECT Id FROM Contact WHERE LastModifiedDate >= ${since}`);
    const expected = [...org().records.Contact.values()].filter(
      (x) => Date.parse(String(x.LastModifiedDate).replace('+0000', 'Z')) >= Date.parse(since),
    );
    expect(after.body.totalSize).toBe(expected.length);
    const quoted = await soql(`SELECT Id FROM Contact WHERE LastModifiedDate >= '${since}'`);
    expect(quoted.status).toBe(400);
    expect(quoted.body[0].errorCode).toBe('INVALID_FIELD');
  });

  it('answers MALFORMED_QUERY for an unescaped apostrophe and finds the escaped one; an injection reads other rows', async () => {
    const withApostrophe = [...org().records.Contact.values()].find((x) =>
      String(x.Email).includes("'"),
    )!;
    const email = String(withApostrophe.Email);
    const raw = await soql(`SELECT Id FROM Contact WHERE Email = '${email}'`);
    expect(raw.status).toBe(400);
    expect(raw.body[0].errorCode).toBe('MALFORMED_QUERY');
    const escaped = await soql(
      `SELECT Id FROM Contact WHERE Email = '${email.replace(/'/g, "\\'")}'`,
    );
    expect(escaped.body.records.map((r: any) => r.Id)).toEqual([withApostrophe.Id]);
    // What an unescaped value does: the stand-in really runs it.
    const injected = await soql(
      "SELECT Id FROM Contact WHERE Email = 'nobody@example.com' OR Email != 'x'",
    );
    expect(injected.body.totalSize).toBeGreaterThan(1);
    const mixed = await soql(
      "SELECT Id FROM Contact WHERE Email = 'a' AND Phone = 'b' OR Title = 'c'",
    );
    expect(mixed.body[0].errorCode).toBe('MALFORMED_QUERY');
  });

  it('keeps phones as typed, and LIKE matches them case-insensitively', async () => {
    const c = [...org().records.Contact.values()].find((x) => String(x.Phone).startsWith('('))!;
    const found = await soql(
      `SELECT Id, Phone FROM Contact WHERE Phone LIKE '%${String(c.Phone).slice(-4)}'`,
    );
    expect(found.body.records.map((r: any) => r.Id)).toContain(c.Id);
    expect(found.body.records.find((r: any) => r.Id === c.Id).Phone).toBe(c.Phone);
  });

  it('answers users, some without an email, and cases and tasks of a contact', async () => {
    const users = await soql(
      'SELECT Id, Name, Email, IsActive, UserType FROM User WHERE IsActive = true',
    );
    expect(users.body.records.some((u: any) => u.Email === null)).toBe(true);
    const contact = [...org().records.Case.values()][0].ContactId as string;
    const cases = await soql(
      `SELECT Id, Subject, Status, Priority, CreatedDate FROM Case WHERE ContactId = '${contact}' ORDER BY CreatedDate DESC`,
    );
    expect(cases.body.totalSize).toBe(1);
    const tasks = await soql(
      `SELECT Id, Subject, TaskSubtype, CallType FROM Task WHERE WhoId = '${contact}'`,
    );
    expect(tasks.body.totalSize).toBe(1);
    expect((await soql('SELECT Id, Nope FROM Contact')).body[0].errorCode).toBe('INVALID_FIELD');
  });

  it('creates a task on a contact (201 { id, success, errors }) and refuses a WhoId that is not one', async () => {
    const contact = [...org().records.Contact.values()][0].Id;
    const post = (body: unknown) =>
      fetch(`${org().instanceUrl}/services/data/v62.0/sobjects/Task`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${org().accessToken}`,
          'content-type': 'application/json',
        },
        body: JSON.stringify(body),
      }).then(async (r) => ({ status: r.status, body: (await r.json()) as any }));
    const created = await post({
      Subject: 'Call from Talkdesk',
      WhoId: contact,
      TaskSubtype: 'Call',
      CallDurationInSeconds: 42,
    });
    expect(created.status).toBe(201);
    expect(created.body).toEqual({
      id: expect.stringMatching(/^00T\w{15}$/),
      success: true,
      errors: [],
    });
    expect(org().records.Task.get(created.body.id)?.WhoId).toBe(contact);
    const wrong = await post({ Subject: 'x', WhoId: '001000000000000AAA' });
    expect(wrong.status).toBe(400);
    expect(wrong.body[0].errorCode).toBe('FIELD_INTEGRITY_EXCEPTION');
    expect((await post({ Subject: 'x', Nope: 1 })).body[0].errorCode).toBe('INVALID_FIELD');
  });

  it('answers 403 REQUEST_LIMIT_EXCEEDED past the daily allocation', async () => {
    const before = sf.apiUsage.get(org().organizationId)!;
    sf.dailyApiLimit = before + 1;
    const last = await get('/services/data/v62.0/limits');
    expect(last.status).toBe(200);
    expect(last.headers.get('sforce-limit-info')).toBe(`api-usage=${before + 1}/${before + 1}`);
    const over = await get('/services/data/v62.0/limits');
    expect(over.status).toBe(403);
    expect(over.body).toEqual([
      { message: 'TotalRequests Limit exceeded.', errorCode: 'REQUEST_LIMIT_EXCEEDED' },
    ]);
    sf.dailyApiLimit = 100_000;
  });
});
