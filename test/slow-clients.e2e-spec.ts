import { AddressInfo } from 'node:net';
import { parseResponse, RawClient, rawClient } from './support/raw-http';
import { DEMO, startTestApp, TestApp } from './support/test-app';

/**
 * Clients that hold connections open without finishing a request (a body that never ends,
 * headers sent byte by byte, nothing at all) are answered 408 in the contract and
 * disconnected within the timeouts, while the bridge keeps serving everyone else; the
 * connection cap bounds how many sockets a flood can hold. Timeouts are short here, by setting.
 */

const HEADERS_MS = 300;
const REQUEST_MS = 600;

async function listening(t: TestApp): Promise<number> {
  await t.app.listen({ port: 0, host: '127.0.0.1' });
  return (t.app.getHttpServer().address() as AddressInfo).port;
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

describe('slow clients', () => {
  let t: TestApp;
  let port: number;
  let base: string;

  beforeAll(async () => {
    t = await startTestApp({
      httpHeadersTimeoutMs: HEADERS_MS,
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
    // Meanwhile: the probes and a webhook answer at once.
    const started = Date.now();
    const live = await fetch(`${base}/health/live`);
    const sync = await fetch(`${base}/contacts/sync`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ auth: DEMO }),
    });
    expect(live.status).toBe(200);
    expect(sync.status).toBe(200);
    expect(((await sync.json()) as { contacts: unknown[] }).contacts.length).toBeGreaterThan(0);
    expect(Date.now() - started).toBeLessThan(REQUEST_MS);
    expect(slow.every((client) => !client.socket.destroyed)).toBe(true);

    const ends = await Promise.all(slow.map((client) => client.closed));
    for (const end of ends) {
      expectTimeoutAnswer(end.text);
      // Within the request timeout and one check of Node's timer (300 / 2 ms here).
      expect(end.afterMs).toBeGreaterThanOrEqual(REQUEST_MS - 50);
      expect(end.afterMs).toBeLessThan(REQUEST_MS + 1000);
    }
  });

  it('headers sent a byte at a time are cut off at the headers timeout', async () => {
    const client = await rawClient(port, 'POST /contacts/sync HTTP/1.1\r\nHost: x\r\n');
    const drip = setInterval(() => client.socket.write('X'), 50);
    try {
      const end = await client.closed;
      expectTimeoutAnswer(end.text);
      expect(end.afterMs).toBeLessThan(HEADERS_MS + 1000);
    } finally {
      clearInterval(drip);
    }
  });

  it('a connection that sends nothing is closed at the headers timeout', async () => {
    const client = await rawClient(port);
    const end = await client.closed;
    expect(end.afterMs).toBeLessThan(HEADERS_MS + 1000);
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
    expect(end.afterMs).toBeGreaterThanOrEqual(400);
    expect(end.afterMs).toBeLessThan(2000);
  });
});

describe('the connection cap', () => {
  let t: TestApp;
  let port: number;

  beforeAll(async () => {
    t = await startTestApp({
      httpHeadersTimeoutMs: HEADERS_MS,
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
    // Let the server count them.
    await new Promise((resolve) => setTimeout(resolve, 50));
    const refused = await rawClient(port, 'GET /health/live HTTP/1.1\r\nHost: x\r\n\r\n');
    const end = await refused.closed;
    expect(end.text).toBe('');
    expect(end.afterMs).toBeLessThan(HEADERS_MS);

    for (const holder of await Promise.all(holders.map((h) => h.closed))) {
      expectTimeoutAnswer(holder.text);
    }
    const live = await fetch(`http://127.0.0.1:${port}/health/live`);
    expect(live.status).toBe(200);
  });
});
