import {
  createAccount,
  insertContacts,
  insertInteraction,
  insertUsers,
} from '../src/connectors/sql/sql-writer';
import { CONTACT_TIME, newContact } from './factories';
import { LogCapture } from './support/log-capture';
import { useTestApp } from './support/test-app';

// Distinctive values: if any of them shows up in a log line, a secret leaked.
const USERNAME = 'zq7-log-probe-account@example.org';
const PASSWORD = 'Pw-4f9c2e-never-log-me-71d3';
const WRONG_PASSWORD = 'Pw-wrong-b81a90-never-log-me';
const TOKEN = 'tok_e3b0c44298fc1c149afbf4c8';

describe('logs: structured, with request ids, without secrets', () => {
  const logs = new LogCapture();
  const auth = { username: USERNAME, password: PASSWORD, api_token: TOKEN };
  const requestIds: string[] = [];
  let agentsRequestId = '';

  /** POST with the given x-request-id and remember it. */
  async function post(url: string, body: unknown, id: string) {
    requestIds.push(id);
    const res = await t.app.inject({
      method: 'POST',
      url,
      payload: body as object,
      headers: { 'x-request-id': id, authorization: `Bearer ${TOKEN}` },
    });
    expect(res.headers['x-request-id']).toBe(id);
    return { status: res.statusCode, body: res.payload ? JSON.parse(res.payload) : undefined };
  }

  const t = useTestApp(
    { logLevel: 'trace', contactsPageSize: 7, agentsPageSize: 4, seedDemo: false },
    { logDestination: logs },
  );
  beforeAll(async () => {
    const db = t.db();
    const account = await createAccount(db, USERNAME, PASSWORD, 'Log Probe Ltd.');
    const contactIds = await insertContacts(
      db,
      account,
      Array.from({ length: 20 }, (_, i) =>
        newContact({
          name: `Person ${i}`,
          emails: [`person${i}@example.com`],
          phones: ['(212) 555-01' + String(10 + i)],
          updatedAt: CONTACT_TIME + Math.floor(i / 3),
        }),
      ),
      'US',
    );
    await insertInteraction(db, account, contactIds[0], {
      type: 'ticket',
      subject: 'Printer on fire',
      description: 'Again',
      priority: 'high',
      status: 'open',
      occurredAt: 1_700_000_000_000,
    });
    await insertUsers(db, account, [
      { name: 'Ann', email: 'ann@example.com' },
      { name: 'No Mail', email: null },
      { name: 'Bad Mail', email: 'not-an-email' },
      { name: 'Bob', email: 'bob@example.com' },
      { name: 'Cy', email: 'cy@example.com' },
    ]);
    logs.clear();
  });

  it('serves every kind of request with the distinctive credentials', async () => {
    let n = 0;
    const id = (what: string) => `req-${what}-${++n}`;

    // Full contact sync, every page.
    let offset: string | undefined;
    let context: unknown = null;
    let checkpoint: string | undefined;
    let contacts = 0;
    do {
      const res = await post(
        '/contacts/sync',
        { auth, meta: { offset: offset ?? null, context } },
        id('contacts'),
      );
      expect(res.status).toBe(200);
      contacts += res.body.contacts.length;
      offset = res.body.next_offset;
      context = res.body.context;
      checkpoint = res.body.synchronization_checkpoint;
    } while (offset);
    expect(contacts).toBe(20);
    // Incremental sync.
    expect(
      (
        await post(
          '/contacts/sync',
          { auth, meta: { synchronization_checkpoint: checkpoint } },
          id('contacts'),
        )
      ).status,
    ).toBe(200);

    // Full agent sync; the users without a usable email make the service warn.
    let agentOffset: number | undefined;
    do {
      const requestId = id('agents');
      const res = await post(
        '/agents/sync',
        { auth, meta: { offset: agentOffset ?? null } },
        requestId,
      );
      expect(res.status).toBe(200);
      if (agentOffset === undefined) agentsRequestId = requestId;
      agentOffset = res.body.next_offset;
    } while (agentOffset !== undefined);

    // Authorization validation, good and bad.
    expect((await post('/auth/validate', { auth }, id('auth'))).status).toBe(204);
    expect(
      (await post('/auth/validate', { auth: { ...auth, password: WRONG_PASSWORD } }, id('auth')))
        .status,
    ).toBe(401);
    expect(
      (
        await post(
          '/contacts/sync',
          { auth: { username: USERNAME, password: WRONG_PASSWORD } },
          id('contacts'),
        )
      ).status,
    ).toBe(401);

    // Interactions and actions.
    const interactions = await post(
      '/interactions/retrieve',
      { auth, data: { contact_emails: ['person0@example.com'] } },
      id('interactions'),
    );
    expect(interactions.status).toBe(200);
    expect(interactions.body).toHaveLength(1);
    const created = await post(
      '/actions/create_contact',
      { auth, data: { name: 'New Person', email: 'new@example.com' } },
      id('actions'),
    );
    expect(created.status).toBe(201);
    expect(
      (
        await post(
          '/actions/create_ticket',
          {
            auth,
            meta: { contact_external_id: created.body.contact_external_id },
            data: { subject: 'Hi' },
          },
          id('actions'),
        )
      ).status,
    ).toBe(201);
    expect(
      (await post('/actions/log_call', { auth, data: { subject: 'No contact' } }, id('actions')))
        .status,
    ).toBe(400);

    // Malformed input that carries the secret where a value is expected.
    expect(
      (await post('/contacts/sync', { auth, meta: { offset: { password: PASSWORD } } }, id('bad')))
        .status,
    ).toBe(400);
    expect(
      (await post('/contacts/sync', { auth, meta: { offset: 'garbage' } }, id('bad'))).status,
    ).toBe(400);
  });

  it('no secret appears anywhere in the log output', () => {
    const text = logs.text;
    expect(text.length).toBeGreaterThan(0);
    for (const secret of [PASSWORD, WRONG_PASSWORD, TOKEN, USERNAME]) {
      expect(text).not.toContain(secret);
    }
    // The authorization header was logged, masked.
    expect(text).toContain('[redacted]');
  });

  it('every line is JSON and carries the id of the request it was logged for', () => {
    const lines = logs.lines;
    expect(lines.length).toBeGreaterThanOrEqual(requestIds.length);
    for (const line of lines) {
      expect(requestIds).toContain(line.request_id);
    }
    // Each request has its completion line, with status and timing.
    for (const requestId of requestIds) {
      const done = lines.filter((l) => l.request_id === requestId && l.res);
      expect(done).toHaveLength(1);
      expect(typeof done[0].res.statusCode).toBe('number');
      expect(typeof done[0].responseTime).toBe('number');
    }
  });

  it('at level trace, logs probes and metric scrapes at debug, with the headers', async () => {
    for (const [url, id] of [
      ['/health/live', 'probe-live'],
      ['/metrics', 'probe-metrics'],
    ]) {
      const res = await t.app.inject({ method: 'GET', url, headers: { 'x-request-id': id } });
      expect(res.statusCode).toBe(200);
      const [line] = logs.lines.filter((l) => l.request_id === id && l.res);
      expect(line).toMatchObject({ level: 20, level_name: 'debug', route: url });
      expect(line.req.headers).toEqual(expect.objectContaining({ 'x-request-id': id }));
      expect(line.res.headers).toEqual(expect.objectContaining({ 'x-request-id': id }));
    }
  });

  it('a service warning carries the request id of the request it was logged during', () => {
    const warning = logs.lines.find((l) => /Skipped 2 user\(s\)/.test(String(l.msg)));
    expect(warning).toBeDefined();
    expect(warning?.level).toBe(40);
    expect(warning?.request_id).toBe(agentsRequestId);
  });
});
