import { localManifest } from './support/local-manifest';
import { expectError, syncAgents, syncContacts } from './support/talkdesk';
import { startTestApp, TestApp } from './support/test-app';
import { soslPhrase } from '../src/connectors/rest/manifest/query-escapes';
import {
  FakeSalesforce,
  SALESFORCE_EXPIRED_TOKEN,
  SALESFORCE_SCHEMA,
} from './support/upstreams/fake-salesforce';
import { parseSosl, searchRecords, SoslError } from './support/upstreams/fake-salesforce-sosl';

/** The whole bridge over connectors/salesforce.yaml and the Salesforce stand-in. */
describe('Salesforce (connectors/salesforce.yaml)', () => {
  const CONTACTS = 4500;
  let sf: FakeSalesforce;
  let t: TestApp;
  let manifest: ReturnType<typeof localManifest>;
  let auth: Record<string, string>;
  const queries = () => sf.requests.filter((r) => /\/query(\/|$)/.test(r.path)).length;

  beforeAll(async () => {
    sf = new FakeSalesforce({ contacts: CONTACTS });
    await sf.start();
    manifest = localManifest('connectors/salesforce.yaml', {
      'https://login.salesforce.com': sf.login.origin,
    });
    t = await startTestApp({
      connector: 'rest',
      connectorManifest: manifest.path,
      contactsPageSize: 1000,
    });
  });
  afterAll(async () => {
    await t?.close();
    await sf?.stop();
    manifest?.remove();
  });

  it('validates the token at the login server and stores the My Domain; 401 for an expired token', async () => {
    const ok = await t.post('/auth/validate', { auth: { access_token: sf.org(0).accessToken } });
    expect(ok.status).toBe(200);
    expect(ok.body).toEqual({ instance_url: sf.org(0).instanceUrl });
    auth = { access_token: sf.org(0).accessToken, instance_url: ok.body.instance_url };
    expectError(
      await t.post('/auth/validate', { auth: { access_token: SALESFORCE_EXPIRED_TOKEN } }),
      401,
    );
    // A stored session that expired since: every request is a 401, so Talkdesk refreshes it.
    expectError(
      await t.post('/contacts/sync', { auth: { ...auth, access_token: SALESFORCE_EXPIRED_TOKEN } }),
      401,
    );
  });

  it('never sends the token to a host the manifest does not allow', async () => {
    const before = sf.requests.length;
    const res = await t.post('/contacts/sync', {
      auth: { ...auth, instance_url: 'https://evil.example.com' },
    });
    expectError(res, 401);
    expect(sf.requests.length).toBe(before);
  });

  it('a full sync delivers every contact exactly once through one query and its locator', async () => {
    const before = queries();
    const run = await syncContacts(t, auth);
    const ids = run.contacts.map((c) => c.id);
    expect(ids).toHaveLength(CONTACTS);
    expect(new Set(ids).size).toBe(CONTACTS);
    const used = queries() - before;
    const minimum = Math.ceil(CONTACTS / 2000);
    console.log(`Salesforce full sync of ${CONTACTS}: ${used} query requests (minimum ${minimum})`);
    // One query, then its locator's batches: none read twice, though a batch of 2,000 spans
    // two Talkdesk pages of 1,000.
    expect(used).toBeLessThanOrEqual(minimum + 1);
    expect(run.checkpoint).toBeDefined();
    const typed = [...sf.org(0).records.Contact.values()].find((c) =>
      String(c.Phone).startsWith('('),
    )!;
    expect(run.contacts.find((c) => c.id === typed.Id).phones[0]).toMatch(/^\+1\d{10}$/);
  });

  it('an incremental sync after changes brings exactly those (LastModifiedDate in whole seconds)', async () => {
    const first = await syncContacts(t, auth);
    const changed = [...sf.org(0).records.Contact.values()].slice(20, 23);
    const at = Date.now() - 5_000;
    changed.forEach((c, i) => sf.change(0, c.Id, { Title: `Changed ${i}` }, at + i));
    const before = queries();
    const next = await syncContacts(t, auth, first.checkpoint);
    expect(new Set(next.contacts.map((c) => c.id))).toEqual(new Set(changed.map((c) => c.Id)));
    expect(queries() - before).toBeLessThanOrEqual(1 + 1);
  });

  it('agents: active users with an email; system users without one skipped', async () => {
    const { agents } = await syncAgents(t, auth);
    const users = [...sf.org(0).records.User.values()].filter((u) => u.IsActive);
    expect(agents.map((a) => a.id).sort()).toEqual(
      users
        .filter((u) => u.Email)
        .map((u) => u.Id)
        .sort(),
    );
  });

  it("interactions: the contact's cases, tasks and calls, by id and by an email with an apostrophe", async () => {
    const kase = [...sf.org(0).records.Case.values()][1];
    const contact = sf.org(0).records.Contact.get(String(kase.ContactId))!;
    const res = await t.post('/interactions/retrieve', {
      auth,
      meta: { interaction_types: ['case', 'task', 'call'] },
      data: { contact_external_id: contact.Id, contact_emails: [], contact_phones: [] },
    });
    expect(res.status).toBe(200);
    expect(res.body.length).toBe(2);
    for (const i of res.body) {
      expect(['case', 'task', 'call']).toContain(i.type);
      expect(['none', 'low', 'normal', 'high', 'urgent']).toContain(i.priority);
      expect(['new', 'open', 'pending', 'solved', 'closed']).toContain(i.status);
    }
    const apostrophe = [...sf.org(0).records.Contact.values()].find(
      (c) =>
        String(c.Email).includes("'") &&
        [...sf.org(0).records.Case.values()].some((k) => k.ContactId === c.Id),
    )!;
    const byEmail = await t.post('/interactions/retrieve', {
      auth,
      meta: { interaction_types: ['case'] },
      data: { contact_emails: [apostrophe.Email], contact_phones: [] },
    });
    expect(byEmail.status).toBe(200);
    expect(byEmail.body.map((i: any) => i.type)).toEqual(['case']);
    // A hostile email stays one string literal: no other contact's cases.
    const hostile = await t.post('/interactions/retrieve', {
      auth,
      meta: { interaction_types: ['case'] },
      data: { contact_emails: ["nobody@example.com' OR Email != 'x"], contact_phones: [] },
    });
    expect(hostile.status).toBe(200);
    expect(hostile.body).toEqual([]);
  });

  it("interactions by phone: a SOSL search finds the contact whose phone was typed '(212) 555-1000' from its E.164 number", async () => {
    const org = sf.org(0);
    const kase = [...org.records.Case.values()].find((k) =>
      [...org.records.Case.values()].every((o) => o.ContactId !== k.ContactId || o.Id === k.Id),
    )!;
    const at = Date.now() - 5_000;
    sf.change(0, String(kase.ContactId), { Phone: '(212) 555-1000', MobilePhone: null }, at);
    const searches = () => sf.requests.filter((r) => /\/search\/?$/.test(r.path));
    const before = searches().length;
    const byPhone = await t.post('/interactions/retrieve', {
      auth,
      meta: { interaction_types: ['case'] },
      data: { contact_emails: [], contact_phones: ['+12125551000'] },
    });
    expect(byPhone.status).toBe(200);
    expect(byPhone.body.map((i: any) => i.id)).toEqual([kase.Id]);
    // The national digits hit first: one search, a phrase of digits.
    const sent = searches().slice(before);
    expect(sent).toHaveLength(1);
    expect(sent[0].url.searchParams.get('q')).toContain('FIND { "2125551000" } IN PHONE FIELDS');

    // Hostile text where a number belongs: one search term, nothing else searched or returned.
    for (const phone of [
      '} IN ALL FIELDS RETURNING User(Id, Email',
      '+1 212 555 1000"} RETURNING User(Id',
    ]) {
      const hostile = await t.post('/interactions/retrieve', {
        auth,
        meta: { interaction_types: ['case'] },
        data: { contact_emails: [], contact_phones: [phone] },
      });
      expect([phone, hostile.status]).toEqual([phone, 200]);
      expect(hostile.body.every((i: any) => i.id === kase.Id)).toBe(true);
    }
    // The `sosl` filter makes any text one phrase the stand-in's SOSL reads as such.
    for (const text of ['} IN ALL FIELDS RETURNING User(Id, Email', 'x" OR "y', 'a\\}b']) {
      const q = `FIND { ${soslPhrase(text)} } IN PHONE FIELDS RETURNING Contact(Id)`;
      expect(parseSosl(q, SALESFORCE_SCHEMA)).toMatchObject({
        terms: [{ text }],
        returning: [{ sObject: 'Contact' }],
      });
    }
    for (const r of searches().slice(before)) {
      expect(r.url.searchParams.get('q')).toMatch(
        /^FIND \{ "\d+" \} IN PHONE FIELDS RETURNING Contact\(Id ORDER BY LastModifiedDate DESC LIMIT 1\)$/,
      );
    }
  });

  it('SOSL reserved characters: refused unescaped, as the reference says; the sosl filter escapes them', () => {
    const q = (phrase: string) =>
      `FIND { ${phrase} } IN PHONE FIELDS RETURNING Contact(Id ORDER BY LastModifiedDate DESC LIMIT 1)`;
    const refusal = (text: string) => {
      try {
        parseSosl(text, SALESFORCE_SCHEMA);
        return 'accepted';
      } catch (error) {
        return (error as SoslError).errorCode;
      }
    };
    // "must be preceded by a backslash ... even if the SearchQuery is enclosed in double quotes".
    for (const raw of ['"+12125551000"', '"212-555-1000"', '"(212) 555-1000"', '+12125551000']) {
      expect([raw, refusal(q(raw))]).toEqual([raw, 'MALFORMED_SEARCH']);
    }
    expect(soslPhrase('+12125551000')).toBe('"\\+12125551000"');
    expect(soslPhrase('+1 (212) 555-1000')).toBe('"\\+1 \\(212\\) 555\\-1000"');
    const contacts = [
      { Id: '003A', Phone: '+1 212-555-1000', LastModifiedDate: '2026-01-02' },
      { Id: '003B', Phone: '(646) 555-1000', LastModifiedDate: '2026-01-03' },
    ];
    // Escaped, the E.164 number is one phrase the search reads, and it finds the number's digits.
    const sosl = parseSosl(q(soslPhrase('+12125551000')), SALESFORCE_SCHEMA);
    expect(sosl.terms).toEqual([{ text: '+12125551000', join: 'AND' }]);
    expect(searchRecords(sosl, sosl.returning[0], contacts).map((c) => c.Id)).toEqual(['003A']);
  });

  it('the log_call action creates a completed call task on the contact, the duration a number', async () => {
    const contact = [...sf.org(0).records.Contact.values()][3];
    const res = await t.post('/actions/log_call', {
      auth,
      meta: { contact_external_id: contact.Id },
      data: { subject: 'Inbound call', notes: 'Refund asked', duration_seconds: '95' },
    });
    expect(res.status).toBe(201);
    const task = sf.org(0).records.Task.get(res.body.external_id)!;
    expect(task).toMatchObject({
      WhoId: contact.Id,
      TaskSubtype: 'Call',
      Status: 'Completed',
      CallDurationInSeconds: 95,
    });
    const refused = await t.post('/actions/log_call', {
      auth,
      meta: { contact_external_id: '001000000000000AAA' },
      data: { subject: 'x' },
    });
    expect(refused.status).toBe(400);
    expect(refused.body.message).toContain('id value of incorrect type');
  });

  it('REQUEST_LIMIT_EXCEEDED (403) is a rate limit, not rejected credentials', async () => {
    sf.dailyApiLimit = sf.apiUsage.get(sf.org(0).organizationId)!;
    const res = await t.post('/contacts/sync', { auth });
    sf.dailyApiLimit = 100_000;
    expect(res.status).not.toBe(401);
    expect([502, 503]).toContain(res.status);
    expect(res.body.code).toBe('upstream_rate_limited');
  });

  it('a MALFORMED_QUERY is quoted in the 502', async () => {
    const query = (r: { path: string }) => /\/query$/.test(r.path);
    sf.instances[0].fail(query, 1, (_req, res) => {
      res.writeHead(400, { 'content-type': 'application/json' });
      res.end(JSON.stringify([{ message: 'unexpected token: OR', errorCode: 'MALFORMED_QUERY' }]));
    });
    const res = await t.post('/contacts/sync', { auth });
    sf.instances[0].clearFaults();
    expect(res.status).toBe(502);
    expect(res.body.message).toContain('unexpected token: OR');
  });
});
