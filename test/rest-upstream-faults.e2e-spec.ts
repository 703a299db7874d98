import { ServerResponse } from 'node:http';
import { LogCapture } from './support/log-capture';
import { expectError, syncContacts } from './support/talkdesk';
import { startTestApp, TestApp } from './support/test-app';
import { CRM_USERS, FakeCrm } from './support/upstreams/fake-crm';
import { FakeRequest, json } from './support/upstreams/fake-http';
import { credentialsOf, FakeHelpdesk } from './support/upstreams/fake-helpdesk';

/**
 * Upstreams that misbehave, through the whole bridge over the help desk manifest: rate limits,
 * intermittent failures, slowness past the budget, cursors that repeat, duplicates, broken
 * records, refusals. Every failure is a JSON {message, request_id} with the right status.
 */

const acme = credentialsOf(0);
const isExport = (req: FakeRequest) => req.path.endsWith('/contacts/export');
const exportsOf = (h: FakeHelpdesk) => h.server.requests.filter(isExport).length;

describe('REST connector against a misbehaving upstream', () => {
  let helpdesk: FakeHelpdesk;
  let t: TestApp;
  const logs = new LogCapture();

  beforeAll(async () => {
    helpdesk = new FakeHelpdesk({ contacts: 60 });
    await helpdesk.start();
    t = await startTestApp(
      {
        connector: 'rest',
        connectorManifest: 'connectors/helpdesk.yaml',
        connectorBaseUrl: helpdesk.baseUrl,
        logLevel: 'warn',
        upstreamRetries: 2,
        upstreamRetryBaseMs: 10,
        upstreamRetryMaxMs: 50,
        circuitBreakerThreshold: 0,
        contactsPageSize: 25,
      },
      { logDestination: logs },
    );
  });
  afterEach(() => {
    helpdesk.server.clearFaults();
    helpdesk.exportOverlap = false;
    helpdesk.exportMaxPageSize = 1000;
    logs.clear();
  });
  afterAll(async () => {
    await t?.close();
    await helpdesk?.stop();
  });

  const noStack = (body: any) => {
    expect(Object.keys(body).sort()).toEqual(['code', 'message', 'request_id']);
    expect(body.message).not.toMatch(/\n\s+at /);
  };

  describe('rate limits (429)', () => {
    it('waits what Retry-After (seconds) asks, then succeeds', async () => {
      const before = exportsOf(helpdesk);
      helpdesk.server.fail(isExport, 1, (_req, res) =>
        json(res, 429, { error: 'TooManyRequests' }, { 'retry-after': '1' }),
      );
      const started = Date.now();
      const res = await t.post('/contacts/sync', { auth: acme });
      expect(res.status).toBe(200);
      expect(res.body.contacts).toHaveLength(25);
      expect(Date.now() - started).toBeGreaterThanOrEqual(900);
      expect(exportsOf(helpdesk) - before).toBe(2);
    });

    it('reads Retry-After as an HTTP date too', async () => {
      helpdesk.server.fail(isExport, 1, (_req, res) =>
        json(res, 429, {}, { 'retry-after': new Date(Date.now() + 1500).toUTCString() }),
      );
      const started = Date.now();
      expect((await t.post('/contacts/sync', { auth: acme })).status).toBe(200);
      // The date has a one-second resolution: at least a few hundred milliseconds were waited.
      expect(Date.now() - started).toBeGreaterThanOrEqual(400);
    });

    it('a Retry-After past the budget is answered 503 with that Retry-After, at once', async () => {
      const before = exportsOf(helpdesk);
      helpdesk.server.fail(isExport, 1, (_req, res) =>
        json(res, 429, {}, { 'retry-after': '120' }),
      );
      const res = await t.post('/contacts/sync', { auth: acme });
      expectError(res, 503);
      noStack(res.body);
      expect(res.body.code).toBe('upstream_unavailable');
      expect(res.headers['retry-after']).toBe('120');
      expect(res.body.message).toMatch(/HTTP 429 to the contacts request/);
      expect(exportsOf(helpdesk) - before).toBe(1);
    });
  });

  describe('server errors', () => {
    it('intermittent 500s are retried with backoff until the upstream answers', async () => {
      const before = exportsOf(helpdesk);
      helpdesk.server.fail(isExport, 2, (_req, res) => json(res, 500, { error: 'oops' }));
      const res = await t.post('/contacts/sync', { auth: acme });
      expect(res.status).toBe(200);
      expect(exportsOf(helpdesk) - before).toBe(3);
    });

    it('a lasting failure is a 502 naming the upstream status', async () => {
      helpdesk.server.fail(isExport, 10, (_req, res) => json(res, 503, { error: 'down' }));
      const res = await t.post('/contacts/sync', { auth: acme });
      expectError(res, 502);
      noStack(res.body);
      expect(res.body.code).toBe('upstream_failed');
      expect(res.body.message).toMatch(
        /^The external system answered HTTP 503 to the contacts request \(gave up after 3 attempts\)$/,
      );
    });

    it('a failure that is not worth retrying (404, a body that is not JSON) is a 502 at once', async () => {
      helpdesk.server.fail(isExport, 1, (_req, res) =>
        json(res, 404, { error: 'InvalidEndpoint' }),
      );
      const notFound = await t.post('/contacts/sync', { auth: acme });
      expectError(notFound, 502);
      expect(notFound.body.code).toBe('upstream_failed');
      expect(notFound.body.message).toBe(
        'The external system answered HTTP 404 to the contacts request',
      );
      helpdesk.server.fail(isExport, 1, (_req, res) => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end('<html>maintenance</html>');
      });
      const garbage = await t.post('/contacts/sync', { auth: acme });
      expectError(garbage, 502);
      expect(garbage.body.code).toBe('upstream_failed');
      expect(garbage.body.message).toMatch(/not valid JSON/);
    });

    it('401 and 403 from the upstream are 401 to Talkdesk, so that it refreshes credentials', async () => {
      for (const status of [401, 403]) {
        helpdesk.server.fail(isExport, 1, (_req, res) => json(res, status, { error: 'expired' }));
        const res = await t.post('/contacts/sync', { auth: acme });
        expectError(res, 401);
        expect(res.body.code).toBe('credentials_rejected');
        expect(res.body.message).toBe(
          `The external system rejected the credentials (HTTP ${status} to the contacts request)`,
        );
      }
    });
  });

  describe('slowness', () => {
    it('an upstream slower than the budget is answered 504 at the deadline, its request aborted', async () => {
      const slow = await startTestApp({
        connector: 'rest',
        connectorManifest: 'connectors/helpdesk.yaml',
        connectorBaseUrl: helpdesk.baseUrl,
        logLevel: 'silent',
        // Time for the export to reach the stand-in on a busy machine, well before its answer.
        requestBudgetMs: 2000,
        credentialsCacheSeconds: 60,
      });
      try {
        // Credentials checked (and cached) first, so that the export is what is slow.
        expect((await slow.post('/auth/validate', { auth: acme })).status).toBe(200);
        // Whether the export's connection closed before its answer was written.
        let aborted: Promise<boolean> | undefined;
        helpdesk.server.fail(isExport, 1, (_req, res: ServerResponse) => {
          aborted = new Promise((closed) => res.on('close', () => closed(!res.writableEnded)));
          return new Promise<void>((resolve) =>
            setTimeout(() => {
              if (!res.destroyed) json(res, 200, { contacts: [], end_of_stream: true });
              resolve();
            }, 5000).unref(),
          );
        });
        const res = await slow.post('/contacts/sync', { auth: acme });
        expectError(res, 504);
        noStack(res.body);
        expect(res.body.code).toBe('deadline_exceeded');
        expect(aborted).toBeDefined();
        expect(await aborted).toBe(true);
      } finally {
        await slow.close();
      }
    });
  });

  describe('paging gone wrong', () => {
    it('a cursor that repeats stops the sync with a clear error instead of looping', async () => {
      const before = exportsOf(helpdesk);
      helpdesk.server.fail(isExport, 1000, (_req, res) =>
        json(res, 200, {
          contacts: [
            { id: 1, name: 'Loop', updated_at: '2024-01-01T00:00:00Z' },
            { id: 2, name: 'Loop', updated_at: '2024-01-01T00:00:00Z' },
          ],
          after_cursor: 'same-cursor',
          end_of_stream: false,
        }),
      );
      const res = await t.post('/contacts/sync', { auth: acme });
      expectError(res, 502);
      expect(res.body.message).toMatch(/already given \(a repeated cursor or link\)/);
      expect(exportsOf(helpdesk) - before).toBeLessThanOrEqual(3);
    });

    it('an agents cursor that repeats stops too', async () => {
      helpdesk.server.fail(
        (req) => req.path.endsWith('/agents'),
        1000,
        (_req, res) =>
          json(res, 200, {
            users: [{ id: 1, name: 'A', email: 'a@x.test' }],
            meta: { has_more: true, after_cursor: 'again' },
          }),
      );
      const res = await t.post('/agents/sync', { auth: acme });
      expectError(res, 502);
      expect(res.body.message).toMatch(/repeated cursor/);
    });

    it('duplicates across pages are sent once', async () => {
      helpdesk.exportOverlap = true;
      helpdesk.exportMaxPageSize = 7;
      const before = exportsOf(helpdesk);
      const run = await syncContacts(t, acme);
      const ids = run.contacts.map((c) => c.id);
      expect(new Set(ids).size).toBe(ids.length);
      expect([...ids].sort()).toEqual(
        helpdesk
          .account(0)
          .contacts.map((c) => String(c.id))
          .sort(),
      );
      // The upstream did repeat contacts: 60 contacts in pages of 7 overlapping by one.
      expect(exportsOf(helpdesk) - before).toBeGreaterThanOrEqual(10);
    });

    it('a next-page link to another host is refused', async () => {
      const crm = new FakeCrm(3);
      await crm.start();
      const app = await startTestApp({
        connector: 'rest',
        connectorManifest: 'connectors/crm.yaml',
        connectorBaseUrl: `${crm.server.origin}/v1`,
        logLevel: 'silent',
      });
      try {
        crm.server.fail(
          (req) => req.path === '/v1/people',
          1,
          (_req, res) =>
            json(
              res,
              200,
              { data: [{ id: 'x', first_name: 'X' }] },
              {
                link: '<https://attacker.example/steal?offset=1>; rel="next"',
              },
            ),
        );
        const auth = { username: CRM_USERS[0].username, password: CRM_USERS[0].password };
        const res = await app.post('/contacts/sync', { auth });
        expectError(res, 502);
        expect(res.body.message).toMatch(
          /next page on another host \(https:\/\/attacker\.example\): refused/,
        );
      } finally {
        await app.close();
        await crm.stop();
      }
    });
  });

  describe('broken records', () => {
    it('records without an id or update time are dropped and logged; the page goes on', async () => {
      const good = (id: number) => ({
        id,
        name: `Good ${id}`,
        email: `good${id}@acme.example`,
        updated_at: `2024-02-0${id}T00:00:00Z`,
      });
      helpdesk.server.fail(isExport, 1, (_req, res) =>
        json(res, 200, {
          contacts: [
            good(1),
            { name: 'No id', updated_at: '2024-02-01T12:00:00Z' },
            good(2),
            { id: 77, name: 'No update time' },
            { id: 78, name: 'Unreadable time', updated_at: 'yesterday-ish' },
            good(3),
          ],
          after_cursor: null,
          end_of_stream: true,
        }),
      );
      const res = await t.post('/contacts/sync', { auth: acme });
      expect(res.status).toBe(200);
      expect(res.body.contacts.map((c: any) => c.id)).toEqual(['1', '2', '3']);
      const warning = logs.lines.find((l) => /Dropped 3 contacts record/.test(l.msg));
      expect(warning).toBeDefined();
      expect(warning?.msg).toMatch(/#1: no id; #3: contact 77 has no readable updated_at/);
      expect(warning?.request_id).toBe(res.headers['x-request-id']);
    });

    it('an agent without an id is dropped, the others go through', async () => {
      helpdesk.server.fail(
        (req) => req.path.endsWith('/agents'),
        1,
        (_req, res) =>
          json(res, 200, {
            users: [
              { name: 'Nobody', email: 'nobody@acme.test' },
              { id: 5, name: 'Five', email: 'five@acme.test' },
            ],
            meta: { has_more: false },
          }),
      );
      const res = await t.post('/agents/sync', { auth: acme });
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ agents: [{ id: '5', name: 'Five', email: 'five@acme.test' }] });
    });
  });
});
