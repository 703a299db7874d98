import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ManifestError } from '../src/connectors/rest/manifest/load-manifest';
import { expectError, syncAgents, syncContacts } from './support/talkdesk';
import { startTestApp, TestApp } from './support/test-app';
import { CRM_USERS, FakeCrm } from './support/upstreams/fake-crm';
import { credentialsOf, FakeHelpdesk } from './support/upstreams/fake-helpdesk';
import { FakePunchClock, PUNCH_CLOCK_KEY } from './support/upstreams/fake-punch-clock';

/** The whole bridge (CONNECTOR=rest) over each example manifest and a real HTTP upstream. */

const restApp = (manifest: string, baseUrl: string, settings: Record<string, unknown> = {}) =>
  startTestApp({
    connector: 'rest',
    connectorManifest: manifest,
    connectorBaseUrl: baseUrl,
    ...settings,
  });

describe('REST connector: help desk example (connectors/helpdesk.yaml)', () => {
  let helpdesk: FakeHelpdesk;
  let t: TestApp;
  const acme = credentialsOf(0);
  const globex = credentialsOf(1);

  beforeAll(async () => {
    helpdesk = new FakeHelpdesk({ contacts: 150 });
    await helpdesk.start();
    t = await restApp('connectors/helpdesk.yaml', helpdesk.baseUrl, { contactsPageSize: 40 });
  });
  afterAll(async () => {
    await t?.close();
    await helpdesk?.stop();
  });

  it('tells Talkdesk what it is: fields, features and actions from the manifest', async () => {
    const config = await t.get('/integration/configuration');
    expect(config.status).toBe(200);
    expect(config.body.authentication_type).toBe('custom');
    expect(config.body.authentication_fields.map((f: any) => [f.field_name, f.source])).toEqual([
      ['subdomain', 'input'],
      ['email', 'input'],
      ['api_token', 'input'],
      ['account_id', 'auth_validation'],
    ]);
    // `secret` is the manifest's own business, not part of Talkdesk's configuration.
    expect(config.body.authentication_fields[0]).toEqual({
      field_name: 'subdomain',
      display: 'Help desk subdomain',
      source: 'input',
      type: 'input',
      mandatory: true,
      store: true,
      help: 'The "acme" of https://acme.helpdesk.example',
    });
    expect(config.body.contact_synchronization_url).toMatch(/\/contacts\/sync$/);
    expect(config.body.agent_synchronization_url).toMatch(/\/agents\/sync$/);
    expect(config.body.interaction_types).toEqual(['ticket', 'note']);
    const actions = await t.get('/integration/actions');
    expect(actions.body.map((a: any) => a.name)).toEqual(['create_ticket', 'create_contact']);
    expect(actions.body[0].inputs).toEqual([
      { key: 'subject', name: 'Subject', mandatory: true },
      { key: 'description', name: 'Description', mandatory: false },
      { key: 'priority', name: 'Priority (p1 to p4)', mandatory: false },
    ]);
  });

  it('validates credentials: 200 with the fields to store, 401 when refused', async () => {
    const ok = await t.post('/auth/validate', { auth: acme });
    expect(ok.status).toBe(200);
    expect(ok.body).toEqual({ account_id: 'acct-acme' });
    expectError(await t.post('/auth/validate', { auth: { ...acme, api_token: 'nope-nope' } }), 401);
    expectError(await t.post('/auth/validate', { auth: { ...acme, subdomain: 'initech' } }), 401);
  });

  it('a full contact sync follows next_offset and delivers every contact once, cleaned', async () => {
    const run = await syncContacts(t, acme);
    expect(run.pages.length).toBeGreaterThan(3);
    const ids = run.contacts.map((c) => c.id);
    const upstream = helpdesk.account(0).contacts.map((c) => String(c.id));
    expect(new Set(ids).size).toBe(ids.length);
    expect([...ids].sort()).toEqual([...upstream].sort());
    const sample = helpdesk.account(0).contacts[0];
    const sent = run.contacts.find((c) => c.id === String(sample.id));
    expect(sent).toEqual({
      id: String(sample.id),
      name: sample.name,
      emails: [sample.email, ...sample.secondary_emails],
      phones: ['+14155551000'],
      company: 'acme Corp',
      title: 'Buyer',
      url: `https://acme.helpdesk.example/customers/${sample.id}`,
      custom_fields: [{ key: 'Tier', value: 'Gold' }],
    });
    expect(typeof run.checkpoint).toBe('string');
    // Nothing of the other account.
    const theirs = new Set(helpdesk.account(1).contacts.map((c) => String(c.id)));
    expect(ids.filter((id) => theirs.has(id))).toEqual([]);
  });

  it('an incremental sync from the checkpoint sends the contacts changed since', async () => {
    const first = await syncContacts(t, globex);
    const changed = helpdesk.account(1).contacts[10];
    changed.updated_ms = Date.now() - 1000;
    changed.name = 'Grace Renamed';
    const again = await syncContacts(t, globex, first.checkpoint);
    expect(again.contacts.map((c) => c.name)).toContain('Grace Renamed');
    // The export was asked from the checkpoint (minus the look-back), not from the beginning.
    expect(again.contacts.length).toBeLessThan(10);
    const exportCalls = helpdesk.server.requests.filter(
      (r) => r.path === '/globex/api/v2/contacts/export' && r.url.searchParams.has('start_time'),
    );
    expect(
      Number(exportCalls[exportCalls.length - 1].url.searchParams.get('start_time')),
    ).toBeGreaterThan(Date.UTC(2024, 0, 1) / 1000);
  });

  it('agents: every user once, users without an email skipped', async () => {
    const run = await syncAgents(t, acme);
    const users = helpdesk.account(0).users.filter((u) => u.email);
    expect(run.agents.map((a) => a.id).sort()).toEqual(users.map((u) => String(u.id)).sort());
    expect(run.agents[0]).toEqual({
      id: String(users[0].id),
      name: users[0].name,
      email: users[0].email,
    });
  });

  it('interactions: tickets and notes of the caller, mapped to Talkdesk’s enumerations, newest first', async () => {
    const contact = helpdesk.account(0).contacts[1];
    const res = await t.post('/interactions/retrieve', {
      auth: acme,
      meta: { interaction_types: ['ticket', 'note'] },
      data: { contact_external_id: String(contact.id), contact_emails: [], contact_phones: [] },
    });
    expect(res.status).toBe(200);
    expect(res.body.map((i: any) => i.type).sort()).toEqual(['note', 'ticket', 'ticket', 'ticket']);
    const dates = res.body.map((i: any) => i.date);
    expect(dates).toEqual([...dates].sort().reverse());
    for (const i of res.body) {
      expect(['none', 'low', 'normal', 'high', 'urgent']).toContain(i.priority);
      expect(['new', 'open', 'pending', 'solved', 'closed']).toContain(i.status);
    }
    const tickets = helpdesk.account(0).tickets.filter((x) => x.requester_id === contact.id);
    const hold = tickets.find((x) => x.status === 'hold');
    if (hold) expect(res.body.find((i: any) => i.id === String(hold.id)).status).toBe('pending');
    const p2 = tickets.find((x) => x.priority === 'p2');
    if (p2) expect(res.body.find((i: any) => i.id === String(p2.id)).priority).toBe('high');
    // By phone only.
    const byPhone = await t.post('/interactions/retrieve', {
      auth: acme,
      meta: { interaction_types: ['note'] },
      data: { contact_phones: [contact.phone] },
    });
    expect(byPhone.body.map((i: any) => i.type)).toEqual(['note']);
  });

  it('actions: a ticket is created upstream for the contact; a refusal is a 400 quoting the upstream', async () => {
    const contact = helpdesk.account(0).contacts[2];
    const before = helpdesk.account(0).tickets.length;
    const res = await t.post('/actions/create_ticket', {
      auth: acme,
      meta: { contact_external_id: String(contact.id), agent_external_id: '77' },
      data: { subject: 'Missed call', description: 'Call back', priority: 'p2' },
    });
    expect(res.status).toBe(201);
    const created = helpdesk.account(0).tickets[before];
    expect(res.body).toEqual({
      message: `Ticket ${created.id} created`,
      external_id: String(created.id),
    });
    expect(created).toMatchObject({
      requester_id: contact.id,
      subject: 'Missed call',
      priority: 'p2',
    });
    const post = helpdesk.server.requests.filter((r) => r.method === 'POST').pop();
    expect(post?.body).toEqual({
      ticket: {
        subject: 'Missed call',
        description: 'Call back',
        priority: 'p2',
        requester_id: String(contact.id),
        assignee_id: '77',
      },
    });
    const refused = await t.post('/actions/create_ticket', {
      auth: acme,
      meta: { contact_external_id: '999999' },
      data: { subject: 'x' },
    });
    expectError(refused, 400);
    expect(refused.body.code).toBe('action_rejected');
    expect(refused.body.message).toBe(
      'The external system refused create_ticket (HTTP 422): Requester 999999 not found',
    );
    const noContact = await t.post('/actions/create_ticket', {
      auth: acme,
      data: { subject: 'x' },
    });
    expectError(noContact, 400);
    expect(noContact.body.code).toBe('action_rejected');
    expect(noContact.body.message).toMatch(/needs meta\.contact_external_id/);
  });

  it('create_contact answers what contact pop needs', async () => {
    const res = await t.post('/actions/create_contact', {
      auth: globex,
      data: { name: 'New Customer', email: 'new@globex.example', phone: '+1 415 555 9999' },
    });
    expect(res.status).toBe(201);
    const id = res.body.contact_external_id;
    expect(res.body).toEqual({
      message: `Customer ${id} created`,
      contact_external_id: id,
      contact_external_type: 'customer',
      contact_external_url: `https://globex.helpdesk.example/customers/${id}`,
    });
  });
});

describe('REST connector: agent sync example of Talkdesk (punch clock)', () => {
  let punch: FakePunchClock;
  beforeAll(async () => {
    punch = new FakePunchClock();
    await punch.start();
  });
  afterAll(() => punch?.stop());

  for (const manifest of ['punch-clock-formatted', 'punch-clock-not-formatted']) {
    describe(manifest, () => {
      let t: TestApp;
      const auth = { api_key: PUNCH_CLOCK_KEY };
      beforeAll(async () => {
        t = await restApp(`connectors/${manifest}.yaml`, punch.server.origin, {
          agentsPageSize: 7,
        });
      });
      afterAll(() => t?.close());

      it('offers agents and the action only', async () => {
        const config = await t.get('/integration/configuration');
        expect(config.body.agent_synchronization_url).toBeDefined();
        expect(config.body.contact_synchronization_url).toBeUndefined();
        expect(config.body.interaction_retrieval_url).toBeUndefined();
        expect(config.body.authentication_fields.map((f: any) => f.field_name)).toEqual([
          'api_key',
        ]);
      });

      it('pages by page number until total users were read, in Talkdesk’s shape', async () => {
        const before = punch.server.requests.length;
        const run = await syncAgents(t, auth);
        expect(run.agents).toEqual(
          punch.users.map((u) => ({ id: u.id, email: u.email, name: u.email.split('@')[0] })),
        );
        expect(run.pages.length).toBe(Math.ceil(punch.users.length / 7));
        const pagesAsked = punch.server.requests
          .slice(before)
          .filter((r) => r.path.startsWith('/users/'))
          .map((r) => Number(r.url.searchParams.get('page')));
        // Never past the last page: `total` says when to stop.
        expect(Math.max(...pagesAsked)).toBe(3);
        expect(await t.post('/agents/sync', { auth: { api_key: 'wrong-key' } })).toMatchObject({
          status: 401,
        });
      });

      it('punches the clock of the agent', async () => {
        const res = await t.post('/actions/punch_clock', {
          auth,
          meta: { agent_external_id: 'pc-104' },
          data: { event: 'in' },
        });
        expect(res.status).toBe(201);
        expect(res.body.message).toMatch(/^Punch punch-\d+ recorded at \d{4}-/);
        expect(punch.punches[punch.punches.length - 1]).toEqual({
          userId: 'pc-104',
          body: { event: 'in' },
        });
      });
    });
  }
});

describe('REST connector: CRM example (session login, Link headers, offsets, full syncs)', () => {
  let crm: FakeCrm;
  let t: TestApp;
  const [initech, umbrella] = CRM_USERS.map(({ username, password }) => ({ username, password }));

  beforeAll(async () => {
    crm = new FakeCrm();
    await crm.start();
    t = await restApp('connectors/crm.yaml', `${crm.server.origin}/v1`, {
      contactsPageSize: 30,
      credentialsCacheSeconds: 0,
    });
  });
  afterAll(async () => {
    await t?.close();
    await crm?.stop();
  });

  it('a full sync pages by Link headers, sends every person once and issues no checkpoint', async () => {
    const loginsBefore = crm.logins;
    const run = await syncContacts(t, initech);
    const people = crm.people.get('initech')!;
    expect(run.contacts.map((c) => c.id)).toEqual(people.map((p) => p.id));
    expect(run.pages.length).toBe(Math.ceil(people.length / 30));
    for (const page of run.pages) expect(page.body.synchronization_checkpoint).toBeUndefined();
    expect(run.contacts[0]).toMatchObject({
      name: 'Pat0 Lumbergh',
      emails: ['pat0@initech.example', 'pat0.home@mail.example'],
      phones: ['+12125552000'],
    });
    // One session for the whole run.
    expect(crm.logins - loginsBefore).toBe(1);
    const config = await t.get('/integration/configuration');
    expect(config.body.contact_synchronization_url).toBeDefined();
  });

  it('sessions are per account, and an expired one is renewed by logging in again once', async () => {
    const mine = await syncContacts(t, umbrella);
    expect(mine.contacts.every((c) => c.id.startsWith('umb-'))).toBe(true);
    crm.revokeTokens();
    const logins = crm.logins;
    const again = await t.post('/contacts/sync', { auth: initech });
    expect(again.status).toBe(200);
    expect(again.body.contacts[0].id).toMatch(/^ini-/);
    expect(crm.logins - logins).toBe(1);
    expectError(
      await t.post('/contacts/sync', { auth: { ...initech, password: 'wrong-password' } }),
      401,
    );
  });

  it('agents page by offset up to the total', async () => {
    const run = await syncAgents(t, umbrella);
    expect(run.agents.map((a) => a.email)).toEqual(crm.owners.get('umbrella')!.map((o) => o.mail));
  });

  it('interactions by email, typed through a value map; actions with a computed body', async () => {
    const person = crm.people.get('initech')![3];
    const res = await t.post('/interactions/retrieve', {
      auth: initech,
      meta: { interaction_types: ['call', 'meeting'] },
      data: { contact_emails: [person.emails[0].address] },
    });
    expect(res.status).toBe(200);
    expect(res.body.map((i: any) => [i.type, i.priority, i.status])).toEqual([
      ['meeting', 'low', 'pending'],
      ['call', 'high', 'closed'],
    ]);
    const logged = await t.post('/actions/log_call', {
      auth: initech,
      meta: { contact_external_id: person.id },
      data: { subject: 'Inbound call', notes: 'Asked for a quote' },
    });
    expect(logged.status).toBe(201);
    const activity = crm.activities.get('initech')!.pop();
    expect(activity).toMatchObject({
      person_id: person.id,
      kind: 'call',
      subject: 'Inbound call',
      body: 'Asked for a quote',
    });
    expect(logged.body).toEqual({
      message: `Call ${activity!.id} logged`,
      external_id: activity!.id,
    });
    const refused = await t.post('/actions/create_contact', {
      auth: initech,
      data: { first_name: ' ' },
    });
    expectError(refused, 400);
    expect(refused.body.code).toMatch(/^action_(rejected|input_missing)$/);
  });
});

describe('REST connector: start-up and readiness', () => {
  it('a manifest with a mistake stops the bridge at start-up, naming the path of the mistake', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'broken-manifest-'));
    try {
      const file = join(dir, 'broken.yaml');
      writeFileSync(
        file,
        'version: 1\nname: broken\nconnection:\n  base_url: https://x.example\ncontacts:\n  request: { path: /c }\n  paginator: { type: pages }\n  fields: { id: id }\n',
      );
      const error = await restApp(file, 'https://x.example').catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ManifestError);
      expect((error as Error).message).toBe(
        `The connector manifest ${file} has 1 mistake:\n  - contacts.paginator.type: must be one of none, page_number, offset, cursor, link_header, next_url (got "pages")`,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('readiness sends the manifest’s health request; an unreachable upstream is not ready', async () => {
    const crm = new FakeCrm(1);
    await crm.start();
    const origin = crm.server.origin;
    const t = await restApp('connectors/crm.yaml', `${origin}/v1`);
    try {
      const ready = await t.get('/health/ready');
      expect(ready.status).toBe(200);
      expect(JSON.stringify(ready.body)).toContain('rest:crm');
      expect(crm.server.requests.some((r) => r.path === '/v1/status')).toBe(true);
      await crm.stop();
      const down = await t.get('/health/ready');
      expect(down.status).toBe(503);
      expect(down.body.code).toBe('not_ready');
      expect(down.body.message).toMatch(/external_system/);
    } finally {
      await t.close();
    }
  });
});
