import { AddressInfo } from 'node:net';
import { parseResponse, RawClient, rawClient } from './support/raw-http';
import { DEMO, startTestApp, TestApp } from './support/test-app';

/**
 * Clients that hold connections open without finishing a request (a body that never ends,
 * headers sent byte by byte, nothing at all) are answered 408 in the contract and
 * disconnected within the timeouts, while the bridge keeps serving everyone else; the
 * connection cap bounds how many sockets a flood can hold. Timeouts are short here, by setting.
 *
 * No assertion stands on how fast this machine answers: what is served "meanwhile" is served
 * while the slow connections are still open, and a connection closed by the headers timeout
 * closes long before the request timeout of the same app could have closed it.
 */

const HEADERS_MS = 300;
/**
 * Far beyond the short timeouts set here and below the default keep-alive (72 s); the request
 * timeout of the app whose headers timeout is under test: a close before it is the short
 * timeout's doing.
 */
const FAR_MS = 20_000;
/** The request timeout of the apps holding unfinished bodies: time for others to be served. */
const REQUEST_MS = 3000;

async function listening(t: TestApp): Promise<number> {
  await t.app.listen({ port: 0, host: '127.0.0.1' });
  return (t.app.getHttpServer().address() as AddressInfo).port;
}

/** Resolves once the server has accepted `count` connections (it counts them as it accepts). */
async function accepted(t: TestApp, count: number): Promise<void> {
  const server = t.app.getHttpServer();
  for (;;) {
    const n = await new Promise<number>((resolve, reject) =>
      server.getConnections((error, open) => (error ? reject(error) : resolve(open))),
    );
    if (n >= count) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

const unfinishedChunkedBody = (port: number) =>
  'POST /contacts/sync HTTP/1.1\r\n' +
  `Host: 127.0.0.1:${port}\r\n` +
  'Content-Type: application/json\r\n' +
  'Transfer-Encoding: chunked\r\n\r\n' +
  '10\r\n{"auth":{"user';

function expectTimeoutAnswer(text: string): void {
  const res = parseResponse(text);
  expect(res.status).toBe(408);
  expect(res.headers['content-type']).toMatch(/^application\/json/);
  expect(res.body).toEqual({
    code: 'request_timeout',
    message: expect.any(String),
    request_id: expect.any(String),
  });
  expect(res.headers['x-request-id']).toBe(res.body.request_id);
}

describe('slow clients: bodies that never end, keep-alive', () => {
  let t: TestApp;
  let port: number;
  let base: string;

  beforeAll(async () => {
    t = await startTestApp({
      // Long enough that a complete request's headers are read before, however busy the
      // machine: these connections are to be ended by the request timeout.
      httpHeadersTimeoutMs: REQUEST_MS,
      httpRequestTimeoutMs: REQUEST_MS,
      httpKeepAliveTimeoutMs: 500,
      httpMaxRequestsPerSocket: 2,
    });
    port = await listening(t);
    base = `http://127.0.0.1:${port}`;
  });
  afterAll(() => t?.close());

  it('bodies that never end are answered 408 and closed, while others are served meanwhile', async () => {
    const slow: RawClient[] = await Promise.all(
      Array.from({ length: 50 }, () => rawClient(port, unfinishedChunkedBody(port))),
    );
    // Meanwhile: the probes and a webhook are answered, while every slow connection is open.
    const live = await fetch(`${base}/health/live`);
    const sync = await fetch(`${base}/contacts/sync`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ auth: DEMO }),
    });
    expect(live.status).toBe(200);
    expect(sync.status).toBe(200);
    expect(((await sync.json()) as { contacts: unknown[] }).contacts.length).toBeGreaterThan(0);
    expect(slow.filter((client) => client.socket.destroyed)).toEqual([]);

    const ends = await Promise.all(slow.map((client) => client.closed));
    for (const end of ends) {
      // The request timeout's answer, not before it (one check of Node's timer aside).
      expectTimeoutAnswer(end.text);
      expect(end.afterMs).toBeGreaterThanOrEqual(REQUEST_MS - 50);
    }
  });

  it('keep-alive: a connection carries HTTP_MAX_REQUESTS_PER_SOCKET requests, then closes; an idle one closes', async () => {
    const get = 'GET /health/live HTTP/1.1\r\nHost: x\r\n\r\n';
    // Two requests on one connection: the second answer says close, and the server closes it.
    const busy = await rawClient(port, get + get);
    const answers = (await busy.closed).text.split(/(?=HTTP\/1\.1 )/).map(parseResponse);
    expect(answers.map((a) => a.status)).toEqual([200, 200]);
    expect(answers.map((a) => a.headers.connection)).toEqual(['keep-alive', 'close']);

    const idle = await rawClient(port, get);
    const end = await idle.closed;
    expect(parseResponse(end.text).status).toBe(200);
    // Closed by the keep-alive timeout (500 ms); the default one is 72 s.
    expect(end.afterMs).toBeGreaterThanOrEqual(400);
    expect(end.afterMs).toBeLessThan(FAR_MS);
  });
});

describe('slow clients: headers', () => {
  let t: TestApp;
  let port: number;

  beforeAll(async () => {
    t = await startTestApp({
      httpHeadersTimeoutMs: HEADERS_MS,
      httpRequestTimeoutMs: FAR_MS,
    });
    port = await listening(t);
  });
  afterAll(() => t?.close());

  it('headers sent a byte at a time are cut off at the headers timeout', async () => {
    const client = await rawClient(port, 'POST /contacts/sync HTTP/1.1\r\nHost: x\r\n');
    const drip = setInterval(() => client.socket.write('X'), 50);
    try {
      const end = await client.closed;
      expectTimeoutAnswer(end.text);
      expect(end.afterMs).toBeGreaterThanOrEqual(HEADERS_MS - 50);
      // Not the request timeout's doing: that one is 20 s away.
      expect(end.afterMs).toBeLessThan(FAR_MS);
    } finally {
      clearInterval(drip);
    }
  });

  it('a connection that sends nothing is closed at the headers timeout', async () => {
    const client = await rawClient(port);
    const end = await client.closed;
    expect(end.afterMs).toBeGreaterThanOrEqual(HEADERS_MS - 50);
    expect(end.afterMs).toBeLessThan(FAR_MS);
  });
});

describe('the connection cap', () => {
  let t: TestApp;
  let port: number;

  beforeAll(async () => {
    t = await startTestApp({
      httpHeadersTimeoutMs: REQUEST_MS,
      httpRequestTimeoutMs: REQUEST_MS,
      httpMaxConnections: 5,
    });
    port = await listening(t);
  });
  afterAll(() => t?.close());

  it('beyond HTTP_MAX_CONNECTIONS new connections are closed at once; the slots come back after the timeouts', async () => {
    const holders = await Promise.all(
      Array.from({ length: 5 }, () => rawClient(port, unfinishedChunkedBody(port))),
    );
    await accepted(t, 5);
    const refused = await rawClient(port, 'GET /health/live HTTP/1.1\r\nHost: x\r\n\r\n');
    const end = await refused.closed;
    // Closed unanswered, while the holders still hold every slot (not at a timeout).
    expect(end.text).toBe('');
    expect(holders.filter((holder) => holder.socket.destroyed)).toEqual([]);

    for (const holder of await Promise.all(holders.map((h) => h.closed))) {
      expectTimeoutAnswer(holder.text);
    }
    const live = await fetch(`http://127.0.0.1:${port}/health/live`);
    expect(live.status).toBe(200);
  });
});
