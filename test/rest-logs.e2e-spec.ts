import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { LogCapture } from './support/log-capture';
import { expectError, syncContacts } from './support/talkdesk';
import { startTestApp, TestApp } from './support/test-app';
import { CRM_USERS, FakeCrm } from './support/upstreams/fake-crm';
import { FakeHttpServer, json } from './support/upstreams/fake-http';

/**
 * The REST connector's logs: every upstream request is logged (at debug level, with its path and
 * status), and neither the credentials in auth, nor an API key sent in a query parameter, nor
 * the session tokens an upstream hands out ever appear in them. In a file of its own: the
 * logger keeps process-wide state, so the captured app must be the first of its file.
 */

const dir = mkdtempSync(join(tmpdir(), 'rest-logs-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const people = [
  { id: 'p1', name: 'Ann', changed: '2024-01-01T00:00:00Z' },
  { id: 'p2', name: 'Bob', changed: '2024-01-02T00:00:00Z' },
];

describe('an API key in a query parameter, and secrets in logs', () => {
  const KEY = 'qk_7d0c51f9e2a84b3c';
  const server = new FakeHttpServer((req, res) => {
    if (req.url.searchParams.get('api_key') !== KEY) return json(res, 403, { error: 'forbidden' });
    if (req.path === '/people') return json(res, 200, { data: people });
    if (req.path === '/broken') return json(res, 500, { error: `bad key ${KEY}` });
    return json(res, 404, {});
  });
  const crm = new FakeCrm(5);
  const logs = new LogCapture();
  let keyApp: TestApp;
  let crmApp: TestApp;

  beforeAll(async () => {
    await server.start();
    await crm.start();
    const file = join(dir, 'query-key.yaml');
    writeFileSync(
      file,
      stringify({
        version: 1,
        name: 'query-key',
        talkdesk: { authentication_fields: [{ field_name: 'key', display: 'Key' }] },
        connection: { base_url: 'https://api.example.com' },
        authentication: { type: 'api_key', in: 'query', name: 'api_key', value: '{{ auth.key }}' },
        credential_check: { request: { path: '/people' } },
        contacts: {
          request: { path: '/people' },
          record_selector: 'data',
          fields: { id: 'id', name: 'name', updated_at: 'changed' },
        },
        agents: { request: { path: '/broken' }, fields: { id: 'id', email: 'email' } },
      }),
    );
    keyApp = await startTestApp(
      {
        connector: 'rest',
        connectorManifest: file,
        connectorBaseUrl: server.origin,
        logLevel: 'trace',
      },
      { logDestination: logs },
    );
    crmApp = await startTestApp(
      {
        connector: 'rest',
        connectorManifest: 'connectors/crm.yaml',
        connectorBaseUrl: `${crm.server.origin}/v1`,
        logLevel: 'trace',
        credentialsCacheSeconds: 0,
      },
      { logDestination: logs },
    );
  });
  afterAll(async () => {
    await keyApp?.close();
    await crmApp?.close();
    await server.stop();
    await crm.stop();
  });

  it('sends the key as a query parameter and never writes it, the passwords or the session tokens to the logs', async () => {
    const ok = await syncContacts(keyApp, { key: KEY });
    expect(ok.contacts).toHaveLength(2);
    expect(server.requests.some((r) => r.url.searchParams.get('api_key') === KEY)).toBe(true);
    const failed = await keyApp.post('/agents/sync', { auth: { key: KEY } });
    expectError(failed, 502);
    expect(failed.payload).not.toContain(KEY);
    expectError(await keyApp.post('/contacts/sync', { auth: { key: 'wrong-key-0000' } }), 401);

    const [user] = CRM_USERS;
    const auth = { username: user.username, password: user.password };
    expect((await syncContacts(crmApp, auth)).contacts.length).toBe(5);
    expect((await crmApp.post('/auth/validate', { auth })).status).toBe(204);
    crm.revokeTokens();
    expect((await crmApp.post('/contacts/sync', { auth })).status).toBe(200);
    expectError(
      await crmApp.post('/contacts/sync', { auth: { ...auth, password: 'bad-password-1' } }),
      401,
    );

    const text = logs.text;
    // The requests were logged, at trace level, with their paths.
    expect(text).toMatch(/contacts: GET \/people answered 200/);
    expect(text).toMatch(/login: POST \/v1\/auth\/login answered 200/);
    const tokens = [...crm.tokens.keys()];
    expect(tokens.length).toBeGreaterThan(0);
    for (const secret of [
      KEY,
      encodeURIComponent(KEY),
      user.password,
      'bad-password-1',
      ...tokens,
    ]) {
      expect(text).not.toContain(secret);
    }
  });
});
