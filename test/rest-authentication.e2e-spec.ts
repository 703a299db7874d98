import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { expectError, syncContacts } from './support/talkdesk';
import { startTestApp, TestApp } from './support/test-app';
import { CRM_USERS, FakeCrm } from './support/upstreams/fake-crm';
import { FakeHttpServer, json } from './support/upstreams/fake-http';

/** Authentication to the upstream: OAuth 2.0 tokens passed through, API keys, sessions; secrets kept out of logs. */

const dir = mkdtempSync(join(tmpdir(), 'rest-auth-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function manifestFile(name: string, manifest: Record<string, unknown>): string {
  const file = join(dir, `${name}.yaml`);
  writeFileSync(file, stringify(manifest));
  return file;
}

const people = [
  { id: 'p1', name: 'Ann', changed: '2024-01-01T00:00:00Z' },
  { id: 'p2', name: 'Bob', changed: '2024-01-02T00:00:00Z' },
];

describe('OAuth 2.0: the access token Talkdesk passes is sent as a bearer token', () => {
  const server = new FakeHttpServer((req, res) => {
    if (req.headers.authorization !== 'Bearer oauth-token-valid-123') {
      return json(res, 401, { error: 'invalid_token' });
    }
    if (req.path === '/me') return json(res, 200, { org: 'org-9' });
    if (req.path === '/people') return json(res, 200, people);
    return json(res, 404, {});
  });
  let t: TestApp;

  beforeAll(async () => {
    await server.start();
    const file = manifestFile('oauth', {
      version: 1,
      name: 'oauth-demo',
      talkdesk: { authentication_type: 'oauth2' },
      connection: { base_url: 'https://api.example.com' },
      authentication: { type: 'bearer', token: '{{ auth.access_token }}' },
      credential_check: { request: { path: '/me' }, account_key: '{{ response.org }}' },
      contacts: { request: { path: '/people' }, fields: { id: 'id', name: 'name' } },
    });
    t = await startTestApp({
      connector: 'rest',
      connectorManifest: file,
      connectorBaseUrl: server.origin,
    });
  });
  afterAll(async () => {
    await t?.close();
    await server.stop();
  });

  it('configures Talkdesk for OAuth 2.0, validates and uses the token; an expired one is a 401', async () => {
    const config = await t.get('/integration/configuration');
    expect(config.body.authentication_type).toBe('oauth2');
    expect(config.body.authentication_fields).toBeUndefined();
    const ok = await t.post('/auth/validate', { auth: { access_token: 'oauth-token-valid-123' } });
    expect(ok.status).toBe(204);
    const sync = await syncContacts(t, { access_token: 'oauth-token-valid-123' });
    expect(sync.contacts.map((c) => c.name)).toEqual(['Ann', 'Bob']);
    expectError(await t.post('/auth/validate', { auth: { access_token: 'expired' } }), 401);
    expectError(await t.post('/contacts/sync', { auth: { access_token: 'expired' } }), 401);
    expectError(await t.post('/contacts/sync', { auth: {} }), 401);
  });
});

describe('sessions', () => {
  let crm: FakeCrm;
  let t: TestApp;
  const auth = (i: 0 | 1) => ({ username: CRM_USERS[i].username, password: CRM_USERS[i].password });

  beforeAll(async () => {
    crm = new FakeCrm(10);
    await crm.start();
    t = await startTestApp({
      connector: 'rest',
      connectorManifest: 'connectors/crm.yaml',
      connectorBaseUrl: `${crm.server.origin}/v1`,
      credentialsCacheSeconds: 0,
    });
  });
  afterAll(async () => {
    await t?.close();
    await crm?.stop();
  });

  it('concurrent requests of one account share one login; another account logs in on its own', async () => {
    const before = crm.logins;
    const replies = await Promise.all(
      Array.from({ length: 6 }, () => t.post('/contacts/sync', { auth: auth(0) })),
    );
    expect(replies.map((r) => r.status)).toEqual(Array(6).fill(200));
    expect(crm.logins - before).toBe(1);
    const theirs = await t.post('/contacts/sync', { auth: auth(1) });
    expect(theirs.body.contacts.every((c: any) => c.id.startsWith('umb-'))).toBe(true);
    expect(crm.logins - before).toBe(2);
    // Changed credentials are another session, even for the same user.
    const tokensUsed = new Set(
      crm.server.requests
        .filter((r) => r.path === '/v1/people')
        .map((r) => r.headers.authorization),
    );
    expect(tokensUsed.size).toBe(2);
  });

  it('a refused login refuses the credentials; a session refused twice is a 401', async () => {
    expectError(await t.post('/auth/validate', { auth: { ...auth(0), password: 'nope' } }), 401);
    crm.server.fail(
      (r) => r.path === '/v1/people',
      2,
      (_req, res) => json(res, 401, {}),
    );
    const before = crm.logins;
    expectError(await t.post('/contacts/sync', { auth: auth(0) }), 401);
    // One new login after the first 401, none after the second.
    expect(crm.logins - before).toBe(1);
  });
});
