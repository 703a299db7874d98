import { randomBytes } from 'node:crypto';
import { CredentialsPort } from '../src/connectors/ports';
import { accountLogKey } from '../src/talkdesk/request-log';
import { startTracing } from '../src/tracing/start-tracing';
import { LogCapture } from './support/log-capture';
import { OtlpReceiver, ReceivedSpan } from './support/otlp-receiver';
import { DEMO, startTestApp, TestApp } from './support/test-app';
import { CRM_USERS, FakeCrm } from './support/upstreams/fake-crm';
import { CRM_TENANTS, createLegacyCrm, seedLegacyCrm } from './support/user-schemas/legacy-crm';
import { createUserDatabase, UserDatabase } from './support/user-schemas/user-database';
import { json } from './support/upstreams/fake-http';

/**
 * Tracing on (OTEL_EXPORTER_OTLP_ENDPOINT set), exporting to a real OTLP/HTTP receiver started
 * here, which decodes the protobuf it receives. Each block starts tracing, serves requests and
 * closes the app, which sends the last spans before the receiver is read.
 */

const SERVER = 2;
const CLIENT = 3;
const ERROR = 2;

/** A caller's W3C trace context: `00-<trace id>-<parent span id>-01` (sampled). */
function callerContext() {
  const traceId = randomBytes(16).toString('hex');
  const spanId = randomBytes(8).toString('hex');
  return { traceId, spanId, traceparent: `00-${traceId}-${spanId}-01` };
}

function withEndpoint<T>(receiver: OtlpReceiver, start: () => Promise<T>): Promise<T> {
  process.env.OTEL_EXPORTER_OTLP_ENDPOINT = receiver.endpoint;
  return start().finally(() => delete process.env.OTEL_EXPORTER_OTLP_ENDPOINT);
}

const childrenOf = (spans: ReceivedSpan[], parent: ReceivedSpan) =>
  spans.filter((s) => s.parentSpanId === parent.spanId);

const one = (spans: ReceivedSpan[], name: string) => {
  const found = spans.filter((s) => s.name === name);
  expect(found.map((s) => s.name)).toEqual([name]);
  return found[0];
};

describe('tracing the SQL connector', () => {
  const receiver = new OtlpReceiver();
  const logs = new LogCapture();
  const caller = callerContext();
  let t: TestApp;
  let accountHash: string;
  let spans: ReceivedSpan[];

  beforeAll(async () => {
    await receiver.start();
    t = await withEndpoint(receiver, () =>
      startTestApp({ logLevel: 'info' }, { logDestination: logs, tracing: startTracing() }),
    );
    const resolved = await t.app
      .get(CredentialsPort)
      .authenticate(DEMO, { signal: new AbortController().signal });
    accountHash = accountLogKey(resolved!.account.key);
    const sync = await t.post(
      '/contacts/sync',
      { auth: DEMO },
      { traceparent: caller.traceparent, 'x-request-id': 'traced-1' },
    );
    expect(sync.status).toBe(200);
    expect((await t.get('/health/live')).status).toBe(200);
    await t.close();
    spans = receiver.spans.filter((s) => s.traceId === caller.traceId);
  });
  afterAll(async () => {
    await t?.close();
    await receiver.stop();
  });

  it('exports OTLP/HTTP protobuf, under the bridge as service', () => {
    expect(receiver.contentTypes[0]).toBe('application/x-protobuf');
    expect(spans[0].resource['service.name']).toBe('talkdesk-bridge');
  });

  it('makes the webhook a server span, child of the caller, with route, status and the account hash', () => {
    const request = one(spans, 'POST /contacts/sync');
    expect(request.parentSpanId).toBe(caller.spanId);
    expect(request.kind).toBe(SERVER);
    expect(request.attributes).toMatchObject({
      'http.route': '/contacts/sync',
      'http.request.method': 'POST',
      'http.response.status_code': 200,
      'url.path': '/contacts/sync',
      'bridge.account': accountHash,
    });
  });

  it('makes each guarded call a child span, each attempt its child, each SQL statement the attempt’s', () => {
    const request = one(spans, 'POST /contacts/sync');
    const calls = childrenOf(spans, request);
    expect(calls.map((c) => c.name)).toEqual(
      expect.arrayContaining([
        'upstream credentials.authenticate',
        'upstream contacts.listContacts',
      ]),
    );
    for (const call of calls) {
      expect(call.attributes['bridge.upstream.attempts']).toBe(1);
      const [attempt] = childrenOf(spans, call);
      expect(attempt).toMatchObject({
        name: 'upstream attempt',
        attributes: {
          'bridge.upstream.operation': call.attributes['bridge.upstream.operation'],
          'bridge.upstream.attempt': 1,
          'bridge.upstream.outcome': 'success',
        },
      });
      const statements = childrenOf(spans, attempt);
      expect(statements.length).toBeGreaterThan(0);
      for (const statement of statements) {
        expect(statement.kind).toBe(CLIENT);
        expect(statement.attributes['db.system.name']).toBe(
          { sqlite: 'sqlite', postgres: 'postgresql', mariadb: 'mysql' }[t.database.kind],
        );
        expect(statement.name).toBe(statement.attributes['db.operation.name']);
      }
    }
    const listing = calls.find((c) => c.name === 'upstream contacts.listContacts')!;
    const texts = childrenOf(spans, childrenOf(spans, listing)[0]).map(
      (s) => s.attributes['db.query.text'] as string,
    );
    expect(texts.some((text) => /^select\b/i.test(text) && /contacts/.test(text))).toBe(true);
  });

  it('keeps values out of the SQL text, credentials out of every attribute', () => {
    const values = spans.flatMap((s) => Object.values(s.attributes).map(String));
    expect(values.filter((v) => v.includes(DEMO.username))).toEqual([]);
    expect(values.filter((v) => v === DEMO.password)).toEqual([]);
  });

  it('traces neither probes, nor start-up statements, nor calls outside a request', () => {
    expect(receiver.spans.filter((s) => /health/.test(s.name))).toEqual([]);
    expect(receiver.spans.filter((s) => s.traceId !== caller.traceId)).toEqual([]);
  });

  it('puts the trace id in every log line of the request, the request line included', () => {
    const lines = logs.lines.filter((l) => l.request_id === 'traced-1');
    expect(lines.map((l) => l.msg)).toContain('request completed');
    for (const line of lines) expect(line.trace_id).toBe(caller.traceId);
  });
});

describe('tracing the REST connector (CRM example): upstream requests, retries, propagation', () => {
  const receiver = new OtlpReceiver();
  const crm = new FakeCrm(10);
  const caller = callerContext();
  const [user] = CRM_USERS;
  const auth = { username: user.username, password: user.password };
  let t: TestApp;
  let spans: ReceivedSpan[];
  let peopleRequests: { traceparent: string | undefined }[];
  /** A second request, its upstream failing on every attempt. */
  const failing = callerContext();
  let failedStatus: number;
  let failed: ReceivedSpan[];

  beforeAll(async () => {
    await receiver.start();
    await crm.start();
    t = await withEndpoint(receiver, () =>
      startTestApp(
        {
          connector: 'rest',
          connectorManifest: 'connectors/crm.yaml',
          connectorBaseUrl: `${crm.server.origin}/v1`,
          upstreamRetryBaseMs: 5,
        },
        { tracing: startTracing() },
      ),
    );
    // The first listing of people answers 503: the guard retries it.
    crm.server.fail(
      (req) => req.path === '/v1/people',
      1,
      (_req, res) => json(res, 503, { error: 'busy' }),
    );
    const before = crm.server.requests.length;
    const sync = await t.post('/contacts/sync', { auth }, { traceparent: caller.traceparent });
    expect(sync.status).toBe(200);
    peopleRequests = crm.server.requests
      .slice(before)
      .filter((r) => r.path === '/v1/people')
      .map((r) => ({ traceparent: r.headers.traceparent as string | undefined }));
    crm.server.fail(
      (req) => req.path === '/v1/people',
      100,
      (_req, res) =>
        json(res, 503, { error: 'busy', detail: `token ${[...crm.tokens.keys()][0]}` }),
    );
    failedStatus = (await t.post('/contacts/sync', { auth }, { traceparent: failing.traceparent }))
      .status;
    crm.server.clearFaults();
    await t.close();
    spans = receiver.spans.filter((s) => s.traceId === caller.traceId);
    failed = receiver.spans.filter((s) => s.traceId === failing.traceId);
  });
  afterAll(async () => {
    await t?.close();
    await crm.stop();
    await receiver.stop();
  });

  it('makes each upstream request a client span under its attempt, carrying traceparent', () => {
    const http = spans.filter((s) => s.kind === CLIENT);
    expect(http.length).toBeGreaterThanOrEqual(3); // login, the refused listing, its retry
    for (const span of http) {
      const attempt = spans.find((s) => s.spanId === span.parentSpanId)!;
      expect(attempt.name).toBe('upstream attempt');
      expect(span.attributes['server.address']).toBe('127.0.0.1');
    }
    // Each request the CRM received names its own client span as parent, in the caller's trace.
    expect(peopleRequests).toHaveLength(2);
    const listings = http.filter((s) => s.attributes['url.path'] === '/v1/people');
    expect(peopleRequests.map((r) => r.traceparent).sort()).toEqual(
      listings.map((s) => `00-${caller.traceId}-${s.spanId}-01`).sort(),
    );
    expect(listings.map((s) => s.attributes['http.response.status_code']).sort()).toEqual([
      200, 503,
    ]);
  });

  it('makes a retry its own attempt span, numbered, with the backoff waited', () => {
    const call = one(spans, 'upstream contacts.listContacts');
    expect(call.parentSpanId).toBe(one(spans, 'POST /contacts/sync').spanId);
    expect(call.attributes['bridge.upstream.attempts']).toBe(2);
    const attempts = childrenOf(spans, call).sort(
      (a, b) =>
        Number(a.attributes['bridge.upstream.attempt']) -
        Number(b.attributes['bridge.upstream.attempt']),
    );
    expect(attempts.map((a) => a.attributes['bridge.upstream.attempt'])).toEqual([1, 2]);
    expect(attempts[0].statusCode).toBe(ERROR);
    expect(attempts[0].attributes['bridge.upstream.outcome']).toBe('error');
    expect(attempts[1].attributes['bridge.upstream.outcome']).toBe('success');
    expect(attempts[1].attributes['bridge.upstream.retry_delay_ms']).toEqual(expect.any(Number));
    expect(attempts[0].attributes['bridge.upstream.retry_delay_ms']).toBeUndefined();
  });

  it('marks a webhook the upstream failed as an error, with the status and each attempt’s code', () => {
    expect(failedStatus).toBeGreaterThanOrEqual(500);
    const request = one(failed, 'POST /contacts/sync');
    expect(request.statusCode).toBe(ERROR);
    expect(request.attributes['http.response.status_code']).toBe(failedStatus);
    const call = one(failed, 'upstream contacts.listContacts');
    expect(call.statusCode).toBe(ERROR);
    expect(call.attributes['error.type']).toEqual(expect.any(String));
    const attempts = childrenOf(failed, call);
    expect(attempts.length).toBe(call.attributes['bridge.upstream.attempts']);
    expect(attempts.length).toBeGreaterThan(1);
    for (const attempt of attempts) {
      expect(attempt.statusCode).toBe(ERROR);
      // The code of the error, never its message (which may quote what the upstream said).
      expect(attempt.statusMessage).toBe(attempt.attributes['error.type']);
    }
  });

  it('sends no secret anywhere: neither the password nor the session token', () => {
    const tokens = [...crm.tokens.keys()];
    expect(tokens.length).toBeGreaterThan(0);
    const exported = Buffer.concat(receiver.bodies);
    for (const secret of [user.password, ...tokens]) {
      expect(exported.includes(Buffer.from(secret))).toBe(false);
    }
    const names = spans.flatMap((s) => Object.keys(s.attributes));
    expect(names.filter((n) => /header|body/.test(n))).toEqual([]);
  });
});

describe('tracing an SQL manifest (a database of the user’s own)', () => {
  const receiver = new OtlpReceiver();
  const caller = callerContext();
  const [tenant] = CRM_TENANTS;
  let user: UserDatabase;
  let t: TestApp;
  let spans: ReceivedSpan[];

  beforeAll(async () => {
    await receiver.start();
    user = await createUserDatabase();
    await createLegacyCrm(user.db, user.database.kind);
    await seedLegacyCrm(user.db);
    t = await withEndpoint(receiver, () =>
      startTestApp(
        {
          connector: 'sql',
          connectorManifest: 'connectors/sql/legacy-crm.yaml',
          databaseUrl: user.url,
        },
        { tracing: startTracing() },
      ),
    );
    const auth = { username: tenant.username, password: tenant.password };
    const sync = await t.post('/contacts/sync', { auth }, { traceparent: caller.traceparent });
    expect(sync.status).toBe(200);
    await t.close();
    spans = receiver.spans.filter((s) => s.traceId === caller.traceId);
  }, 120_000);
  afterAll(async () => {
    await t?.close();
    await user?.close();
    await receiver.stop();
  });

  it('makes each statement on the user’s database a client span under its attempt, values left out', () => {
    const request = one(spans, 'POST /contacts/sync');
    const attempts = spans.filter((s) => s.name === 'upstream attempt');
    expect(attempts.length).toBeGreaterThanOrEqual(2); // the credentials, the contacts
    const statements = spans.filter((s) => s.kind === CLIENT);
    expect(statements.length).toBeGreaterThanOrEqual(2);
    for (const statement of statements) {
      const attempt = spans.find((s) => s.spanId === statement.parentSpanId)!;
      expect(attempt.name).toBe('upstream attempt');
      expect(spans.find((s) => s.spanId === attempt.parentSpanId)!.parentSpanId).toBe(
        request.spanId,
      );
      expect(statement.attributes['db.system.name']).toBe(
        { sqlite: 'sqlite', postgres: 'postgresql', mariadb: 'mysql' }[user.database.kind],
      );
      const text = statement.attributes['db.query.text'] as string;
      expect(text).toMatch(/^select\b/i);
      for (const value of [tenant.username, tenant.password, tenant.tenant]) {
        expect(text).not.toContain(value);
      }
    }
    expect(statements.some((s) => /CUSTOMERS/.test(s.attributes['db.query.text'] as string))).toBe(
      true,
    );
  });
});
