import { localManifest } from './support/local-manifest';
import { expectError, syncAgents, syncContacts } from './support/talkdesk';
import { startTestApp, TestApp } from './support/test-app';
import {
  DATAVERSE_EXPIRED_TOKEN,
  DATAVERSE_ORGS,
  FakeDynamics365,
} from './support/upstreams/fake-dynamics365';

/** The whole bridge over connectors/dynamics365.yaml and the Dataverse stand-in. */
describe('Dynamics 365 (connectors/dynamics365.yaml)', () => {
  const CONTACTS = 12_000;
  let dv: FakeDynamics365;
  let t: TestApp;
  let manifest: ReturnType<typeof localManifest>;
  let auth: Record<string, string>;
  const contactReads = () =>
    dv.server.requests.filter((r) => r.path.endsWith('/api/data/v9.2/contacts')).length;

  beforeAll(async () => {
    dv = new FakeDynamics365({ contacts: CONTACTS });
    await dv.start();
    manifest = localManifest('connectors/dynamics365.yaml');
    t = await startTestApp({
      connector: 'rest',
      connectorManifest: manifest.path,
      contactsPageSize: 1000,
    });
    auth = { access_token: DATAVERSE_ORGS[0].accessToken, organization_url: dv.orgUrl(0) };
  });
  afterAll(async () => {
    await t?.close();
    await dv?.stop();
    manifest?.remove();
  });

  it('asks Talkdesk for the environment URL besides the OAuth token', async () => {
    const config = await t.get('/integration/configuration');
    expect(config.body.authentication_type).toBe('oauth2');
    expect(
      config.body.authentication_fields.map((f: any) => [f.field_name, f.source, f.mandatory]),
    ).toEqual([['organization_url', 'input', true]]);
  });

  it('validates the token with WhoAmI; 401 for an expired token, another environment, or a host not allowed', async () => {
    expect((await t.post('/auth/validate', { auth })).status).toBe(204);
    expectError(
      await t.post('/auth/validate', { auth: { ...auth, access_token: DATAVERSE_EXPIRED_TOKEN } }),
      401,
    );
    expectError(
      await t.post('/auth/validate', { auth: { ...auth, organization_url: dv.orgUrl(1) } }),
      401,
    );
    const before = dv.server.requests.length;
    expectError(
      await t.post('/auth/validate', {
        auth: { ...auth, organization_url: 'https://contoso.evil.example' },
      }),
      401,
    );
    expectError(
      await t.post('/contacts/sync', { auth: { ...auth, access_token: DATAVERSE_EXPIRED_TOKEN } }),
      401,
    );
    expect(dv.server.requests.length).toBe(before + 1);
  });

  it('a full sync delivers every contact exactly once, in pages of 5,000 through @odata.nextLink', async () => {
    const before = contactReads();
    const run = await syncContacts(t, auth);
    const ids = run.contacts.map((c) => c.id);
    expect(ids).toHaveLength(CONTACTS);
    expect(new Set(ids).size).toBe(CONTACTS);
    const used = contactReads() - before;
    const minimum = Math.ceil(CONTACTS / 5000);
    console.log(
      `Dynamics 365 full sync of ${CONTACTS}: ${used} contact requests (minimum ${minimum})`,
    );
    // A page of 5,000 spans five Talkdesk pages of 1,000: read once.
    expect(used).toBeLessThanOrEqual(minimum + 1);
    const withCompany = dv.rows(0, 'contacts').find((c) => c._parentcustomerid_value)!;
    expect(run.contacts.find((c) => c.id === withCompany.contactid).company).toMatch(/\w/);
    expect(run.checkpoint).toBeDefined();
  });

  it('an incremental sync after changes brings exactly those (modifiedon in whole seconds)', async () => {
    const first = await syncContacts(t, auth);
    const changed = dv.rows(0, 'contacts').slice(40, 44);
    const at = Date.now() - 5_000;
    changed.forEach((c, i) =>
      dv.change(0, String(c.contactid), { jobtitle: `Changed ${i}` }, at + i),
    );
    const before = contactReads();
    const next = await syncContacts(t, auth, first.checkpoint);
    expect(new Set(next.contacts.map((c) => c.id))).toEqual(
      new Set(changed.map((c) => c.contactid)),
    );
    expect(contactReads() - before).toBeLessThanOrEqual(1 + 1);
  });

  it('agents: enabled users with a mailbox; application users skipped', async () => {
    const { agents } = await syncAgents(t, auth);
    const users = dv.rows(0, 'systemusers').filter((u) => !u.isdisabled);
    expect(agents.map((a) => a.id).sort()).toEqual(
      users
        .filter((u) => u.internalemailaddress)
        .map((u) => u.systemuserid)
        .sort(),
    );
  });

  it("interactions: the contact's cases, tasks and phone calls, by id and by an email with an apostrophe", async () => {
    const incident = dv.rows(0, 'incidents')[0];
    const contact = String(incident._customerid_value);
    const res = await t.post('/interactions/retrieve', {
      auth,
      meta: { interaction_types: ['case', 'task', 'call'] },
      data: { contact_external_id: contact, contact_emails: [], contact_phones: [] },
    });
    expect(res.status).toBe(200);
    expect(res.body.map((i: any) => i.type).sort()).toEqual(['call', 'case', 'task']);
    for (const i of res.body) {
      expect(['none', 'low', 'normal', 'high', 'urgent']).toContain(i.priority);
      expect(['new', 'open', 'pending', 'solved', 'closed']).toContain(i.status);
    }
    const apostrophe = dv
      .rows(0, 'contacts')
      .find(
        (c) =>
          String(c.emailaddress1).includes("'") &&
          dv.rows(0, 'incidents').some((k) => k._customerid_value === c.contactid),
      )!;
    const byEmail = await t.post('/interactions/retrieve', {
      auth,
      meta: { interaction_types: ['case'] },
      data: { contact_emails: [apostrophe.emailaddress1], contact_phones: [] },
    });
    expect(byEmail.status).toBe(200);
    expect(byEmail.body.map((i: any) => i.type)).toEqual(['case']);
    const hostileId = await t.post('/interactions/retrieve', {
      auth,
      meta: { interaction_types: ['case'] },
      data: {
        contact_external_id: `${contact})/systemusers(`,
        contact_emails: [],
        contact_phones: [],
      },
    });
    expect(hostileId.status).toBe(200);
    expect(hostileId.body).toEqual([]);
  });

  it("interactions by phone: the caller's E.164 number finds the contact whose phone was typed '(212) 555-1000'; hostile text finds nothing", async () => {
    const incidents = dv.rows(0, 'incidents');
    const incident = incidents.find(
      (k) => incidents.filter((o) => o._customerid_value === k._customerid_value).length === 1,
    )!;
    const contact = String(incident._customerid_value);
    // Changed a few seconds ago, so that a later full sync's run bound includes it.
    const at = Date.now() - 5_000;
    dv.change(
      0,
      contact,
      { telephone1: '(212) 555-1000', telephone2: null, mobilephone: null },
      at,
    );
    const reads = () =>
      dv.server.requests.filter(
        (r) =>
          r.path.endsWith('/contacts') &&
          /contains\(telephone1/.test(r.url.searchParams.get('$filter')!),
      );
    const before = reads().length;
    const byPhone = await t.post('/interactions/retrieve', {
      auth,
      meta: { interaction_types: ['case'] },
      data: { contact_emails: [], contact_phones: ['+12125551000'] },
    });
    expect(byPhone.status).toBe(200);
    expect(byPhone.body.map((i: any) => i.id)).toEqual([incident.incidentid]);
    // The forms in order until one hits: E.164 misses, the national form finds it.
    expect(
      reads()
        .slice(before)
        .map((r) => r.url.searchParams.get('$filter')),
    ).toEqual([
      "contains(telephone1,'+12125551000') or contains(telephone2,'+12125551000') or contains(mobilephone,'+12125551000')",
      "contains(telephone1,'(212) 555-1000') or contains(telephone2,'(212) 555-1000') or contains(mobilephone,'(212) 555-1000')",
    ]);
    // Typed with dots, in no form asked for: its last four digits find candidates, and the one
    // whose number is the caller's is the contact (another ending in 1000 is not).
    dv.change(0, contact, { telephone1: '212.555.1000' }, at);
    const other = dv.rows(0, 'contacts').find((c) => c.contactid !== contact)!;
    dv.change(0, String(other.contactid), { mobilephone: '(646) 555-1000' }, at + 1_000);
    const dotted = await t.post('/interactions/retrieve', {
      auth,
      meta: { interaction_types: ['case'] },
      data: { contact_emails: [], contact_phones: ['+12125551000'] },
    });
    expect(dotted.body.map((i: any) => i.id)).toEqual([incident.incidentid]);
    expect(reads().at(-1)?.url.searchParams.get('$filter')).toBe(
      "contains(telephone1,'1000') or contains(telephone2,'1000') or contains(mobilephone,'1000')",
    );
    for (const phone of ["' or contactid ne null or telephone1 eq '", "+1 212' or '1' eq '1"]) {
      const hostile = await t.post('/interactions/retrieve', {
        auth,
        meta: { interaction_types: ['case'] },
        data: { contact_emails: [], contact_phones: [phone] },
      });
      expect([phone, hostile.status]).toEqual([phone, 200]);
      expect(hostile.body).toEqual([]);
    }
  });

  it('phones typed with an extension: the contact is found by the caller’s number and synced with it in E.164', async () => {
    const incidents = dv.rows(0, 'incidents');
    const [first, second] = incidents
      .filter(
        (k) => incidents.filter((o) => o._customerid_value === k._customerid_value).length === 1,
      )
      .slice(1, 3);
    const at = Date.now() - 5_000;
    // Numbers no other contact has (the phone test above uses 212 555-1000).
    const typed: [typeof first, string, string][] = [
      [first, '+1 312 555 2000 x123', '+13125552000'],
      [second, '(415) 555-3000 ext. 12', '+14155553000'],
    ];
    for (const [incident, phone] of typed) {
      dv.change(
        0,
        String(incident._customerid_value),
        { telephone1: null, telephone2: phone, mobilephone: null },
        at,
      );
    }
    for (const [incident, , e164] of typed) {
      const found = await t.post('/interactions/retrieve', {
        auth,
        meta: { interaction_types: ['case'] },
        data: { contact_emails: [], contact_phones: [e164] },
      });
      expect([e164, found.status, found.body.map((i: any) => i.id)]).toEqual([
        e164,
        200,
        [incident.incidentid],
      ]);
    }
    const synced = (await syncContacts(t, auth)).contacts;
    for (const [incident, , e164] of typed) {
      const contact = synced.find((c) => c.id === incident._customerid_value);
      expect(contact.phones).toEqual([e164]);
    }
  });

  it('the log_call action creates a phone call with typed values; its id comes from OData-EntityId', async () => {
    const contact = String(dv.rows(0, 'contacts')[7].contactid);
    const res = await t.post('/actions/log_call', {
      auth,
      meta: { contact_external_id: contact },
      data: {
        subject: 'Inbound call',
        notes: 'Refund asked',
        outgoing: 'false',
        duration_minutes: '3',
      },
    });
    expect(res.status).toBe(201);
    expect(res.body.external_id).toMatch(/^[0-9a-f-]{36}$/);
    const call = dv.org(0).tables.get('phonecalls')!.get(res.body.external_id)!;
    expect(call).toMatchObject({
      subject: 'Inbound call',
      directioncode: false,
      actualdurationminutes: 3,
      _regardingobjectid_value: contact,
    });
    const refused = await t.post('/actions/log_call', {
      auth,
      meta: { contact_external_id: '00000000-0000-4000-8000-00000000dead' },
      data: { subject: 'x', duration_minutes: 'three' },
    });
    expect(refused.status).toBe(400);
    expect(refused.body.message).toContain('Does Not Exist');
  });

  it('a sync answered 429 with Retry-After (the service protection limit) completes', async () => {
    const contacts = (r: { path: string }) => r.path.endsWith('/api/data/v9.2/contacts');
    dv.server.fail(contacts, 2, (_req, res) => {
      res.writeHead(429, { 'content-type': 'application/json', 'retry-after': '1' });
      res.end(
        JSON.stringify({
          error: {
            code: '0x80072322',
            message:
              'Number of requests exceeded the limit of 6000 over time window of 300 seconds.',
          },
        }),
      );
    });
    const run = await syncContacts(t, auth);
    dv.server.clearFaults();
    expect(new Set(run.contacts.map((c) => c.id)).size).toBe(CONTACTS);
  });
});
