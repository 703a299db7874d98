import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { expectError } from './support/talkdesk';
import { startTestApp, TestApp } from './support/test-app';
import { FakeRequest, json } from './support/upstreams/fake-http';
import { credentialsOf, FakeHelpdesk } from './support/upstreams/fake-helpdesk';

/**
 * The manifest's error classification (`errors.rules`, by status and a predicate on the body)
 * and quoting (`errors.error_message_path`), through the whole bridge over the help desk
 * manifest with an `errors` section: an API that says "rate limited" with a 403 (as Salesforce's
 * REQUEST_LIMIT_EXCEEDED does) is retried, not taken for refused credentials; an upstream's
 * message is quoted in the 502, masked and bounded.
 */

const acme = credentialsOf(0);
const isExport = (req: FakeRequest) => req.path.endsWith('/contacts/export');
const exportsOf = (h: FakeHelpdesk) => h.server.requests.filter(isExport).length;
const isLookup = (req: FakeRequest) => req.path.endsWith('/contacts/search');

describe('REST connector: error rules of the manifest', () => {
  let helpdesk: FakeHelpdesk;
  let t: TestApp;
  let dir: string;

  beforeAll(async () => {
    helpdesk = new FakeHelpdesk({ contacts: 30 });
    await helpdesk.start();
    dir = mkdtempSync(join(tmpdir(), 'manifest-'));
    const manifest = parse(readFileSync('connectors/helpdesk.yaml', 'utf8')) as Record<
      string,
      unknown
    >;
    manifest.errors = {
      error_message_path: 'error.message',
      rules: [
        {
          statuses: [403],
          path: '[0].errorCode',
          one_of: ['REQUEST_LIMIT_EXCEEDED'],
          action: 'rate_limited',
        },
        { statuses: [400], path: 'error.code', one_of: ['RecordNotFound'], action: 'not_found' },
        { statuses: [409], contains: 'try again', action: 'retryable' },
      ],
    };
    const file = join(dir, 'helpdesk-with-rules.yaml');
    writeFileSync(file, stringify(manifest));
    t = await startTestApp({
      connector: 'rest',
      connectorManifest: file,
      connectorBaseUrl: helpdesk.baseUrl,
      logLevel: 'silent',
      upstreamRetries: 2,
      upstreamRetryBaseMs: 10,
      upstreamRetryMaxMs: 50,
      circuitBreakerThreshold: 0,
      contactsPageSize: 25,
    });
  });
  afterEach(() => helpdesk.server.clearFaults());
  afterAll(async () => {
    await t?.close();
    await helpdesk?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const limitExceeded = [
    { message: 'TotalRequests Limit exceeded.', errorCode: 'REQUEST_LIMIT_EXCEEDED' },
  ];

  it('a 403 whose body says REQUEST_LIMIT_EXCEEDED is rate limited: retried, then served', async () => {
    const before = exportsOf(helpdesk);
    helpdesk.server.fail(isExport, 1, (_req, res) => json(res, 403, limitExceeded));
    const res = await t.post('/contacts/sync', { auth: acme });
    expect(res.status).toBe(200);
    expect(res.body.contacts).toHaveLength(25);
    expect(exportsOf(helpdesk) - before).toBe(2);
  });

  it('when the limit lasts, the answer is a rate limit, never 401 (Talkdesk would refresh the token)', async () => {
    const before = exportsOf(helpdesk);
    helpdesk.server.fail(isExport, 100, (_req, res) => json(res, 403, limitExceeded));
    const res = await t.post('/contacts/sync', { auth: acme });
    expect(res.status).not.toBe(401);
    // No Retry-After: asked again beyond the 2 retries (8 more), the budget allowing.
    expect(exportsOf(helpdesk) - before).toBe(11);
    expect(res.body.code).toBe('upstream_rate_limited');
    expect(res.body.message).toMatch(/HTTP 403 to the contacts request/);
  });

  it('a 403 without that body keeps the default: the credentials are refused (401)', async () => {
    helpdesk.server.fail(isExport, 1, (_req, res) =>
      json(res, 403, [{ errorCode: 'INSUFFICIENT_ACCESS' }]),
    );
    expectError(await t.post('/contacts/sync', { auth: acme }), 401);
  });

  it('a rule marks a conflict retryable: read requests are tried again', async () => {
    const before = exportsOf(helpdesk);
    helpdesk.server.fail(isExport, 1, (_req, res) =>
      json(res, 409, { error: { message: 'Busy, try again' } }),
    );
    expect((await t.post('/contacts/sync', { auth: acme })).status).toBe(200);
    expect(exportsOf(helpdesk) - before).toBe(2);
  });

  it('an upstream 4xx is a 502 quoting its message, credentials masked, control characters removed, bounded', async () => {
    const said = `Bad query\u0000 near ${acme.api_token}\n${'x'.repeat(400)}`;
    helpdesk.server.fail(isExport, 1, (_req, res) => json(res, 400, { error: { message: said } }));
    const res = await t.post('/contacts/sync', { auth: acme });
    expectError(res, 502);
    expect(res.body.message).toMatch(
      /^The external system answered HTTP 400 to the contacts request: Bad query near \[redacted\] x+…$/,
    );
    expect(res.body.message).not.toContain(acme.api_token);
    const quoted = res.body.message.slice(res.body.message.indexOf(': ') + 2);
    expect(quoted.length).toBe(300);
  });

  it('a rule saying "not found" on a lookup means no such contact, not a failure', async () => {
    helpdesk.server.fail(isLookup, 5, (_req, res) =>
      json(res, 400, { error: { code: 'RecordNotFound' } }),
    );
    const res = await t.post('/interactions/retrieve', {
      auth: acme,
      meta: { interaction_types: ['ticket'] },
      data: { contact_emails: ['nobody@example.com'], contact_phones: [] },
    });
    const unknown = await t.post('/interactions/retrieve', {
      auth: acme,
      meta: { interaction_types: ['ticket'] },
      data: { contact_emails: ['nobody-at-all@example.com'], contact_phones: [] },
    });
    expect(helpdesk.server.requests.some(isLookup)).toBe(true);
    expect([res.status, res.body]).toEqual([unknown.status, unknown.body]);
  });
});
