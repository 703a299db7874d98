import { AddressInfo } from 'node:net';
import { ERRORS } from '../src/talkdesk/contract/errors';
import { parseResponse, rawClient } from './support/raw-http';
import { DEMO, startTestApp, TestApp } from './support/test-app';
import { seededRandom } from '../src/common/seeded-random';

/**
 * Requests Node's HTTP parser refuses, over raw sockets: malformed framing, bytes not allowed
 * in a header, headers over the size limit. Each is answered in the contract,
 * `{ code, message, request_id }` with the status of its code, never Node's or Fastify's own
 * bodies; so are requests mutated at random from a valid one.
 */

const STATUS_OF = new Map<string, number>(ERRORS.map((e) => [e.code, e.status]));

const body = JSON.stringify({ auth: DEMO });
const valid =
  'POST /auth/validate HTTP/1.1\r\nHost: bridge\r\nContent-Type: application/json\r\n' +
  `Content-Length: ${body.length}\r\n\r\n${body}`;

describe('errors at the HTTP layer', () => {
  let t: TestApp;
  let port: number;

  beforeAll(async () => {
    t = await startTestApp({
      // Every connection is closed by the server: after an error answer, at the keep-alive
      // timeout after an answered request, or with a 408 for a request that never completes.
      // The headers timeout is long enough that a complete request is read before it however
      // busy the machine, and short enough that the incomplete ones do not hold the suite long.
      httpHeadersTimeoutMs: 3000,
      httpRequestTimeoutMs: 3000,
      httpKeepAliveTimeoutMs: 200,
    });
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    port = (t.app.getHttpServer().address() as AddressInfo).port;
  });
  afterAll(() => t?.close());

  /**
   * Sends `bytes` on a connection of its own; every answer on it, until the server closes it.
   * The client never half-closes: Node's server would abort a request still being handled,
   * and whether an answer came first would depend on how fast the machine is.
   */
  async function send(bytes: string | Buffer) {
    const client = await rawClient(port, bytes);
    const { text } = await client.closed;
    return text === '' ? [] : text.split(/(?=HTTP\/1\.1 \d{3} )/).map(parseResponse);
  }

  function expectContract(answer: ReturnType<typeof parseResponse>, context: string): void {
    if (answer.status < 400) return;
    const why = `${context}: ${answer.status} ${JSON.stringify(answer.body)}`;
    expect([why, answer.headers['content-type']]).toEqual([
      why,
      expect.stringMatching(/^application\/json/),
    ]);
    expect([why, answer.body]).toEqual([
      why,
      expect.objectContaining({
        code: expect.any(String),
        message: expect.any(String),
        request_id: expect.any(String),
      }),
    ]);
    expect([why, answer.status]).toEqual([why, STATUS_OF.get(answer.body.code)]);
    expect([why, answer.status < 500]).toEqual([why, true]);
  }

  it.each([
    [
      'headers over the size limit',
      431,
      'headers_too_large',
      `GET /health/live HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`,
    ],
    [
      'a URL over the header size limit',
      431,
      'headers_too_large',
      `GET /health/live?${'q'.repeat(20_000)} HTTP/1.1\r\nHost: x\r\n\r\n`,
    ],
    [
      'a Content-Length that is not a number',
      400,
      'http_malformed',
      'POST /auth/validate HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n',
    ],
    [
      'two different Content-Lengths',
      400,
      'http_malformed',
      'POST /auth/validate HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\n{}',
    ],
    [
      'a chunk size that is not hex',
      400,
      'http_malformed',
      'POST /auth/validate HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n',
    ],
    [
      'a control byte in a header value',
      400,
      'http_malformed',
      'GET /health/live HTTP/1.1\r\nHost: x\r\nX-A: a\u0001b\r\n\r\n',
    ],
    [
      'a space before the colon of a header',
      400,
      'http_malformed',
      'GET /health/live HTTP/1.1\r\nHost : x\r\n\r\n',
    ],
    [
      'a method with bytes no method has',
      400,
      'http_malformed',
      'G@T /health/live HTTP/1.1\r\nHost: x\r\n\r\n',
    ],
    ['no request line at all', 400, 'http_malformed', 'hello\r\n\r\n'],
    [
      'an HTTP/2 preface on an HTTP/1.1 port',
      400,
      'http_malformed',
      'PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n',
    ],
    [
      'a broken % escape in the URL',
      400,
      'url_malformed',
      'GET /health/%zz HTTP/1.1\r\nHost: x\r\n\r\n',
    ],
    [
      'an over-long action name',
      414,
      'url_too_long',
      `POST /actions/${'a'.repeat(200)} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}`,
    ],
  ])('%s: %i %s in the contract', async (_case, status, code, bytes) => {
    const answers = await send(bytes);

    expect(answers.length).toBeGreaterThanOrEqual(1);
    expect(answers[0].status).toBe(status);
    expect(answers[0].body.code).toBe(code);
    expectContract(answers[0], _case);
  });

  it('an HTTP/1.1 request without Host is served, not refused with a bodiless 400 of Node', async () => {
    const answers = await send('GET /health/live HTTP/1.1\r\n\r\n');
    expect(answers.map((a) => a.status)).toEqual([200]);
  });

  it('300 requests mutated at random from a valid one: every error answer is in the contract', async () => {
    const next = seededRandom(20261201);
    const pick = <T>(items: readonly T[]) => items[Math.floor(next() * items.length)];
    const bytes = ['\r', '\n', '\0', ' ', ':', '\u0001', '\u007f', '\u00ff', 'x', '%', '"', '{'];
    const mutate = (text: string): string => {
      const at = Math.floor(next() * text.length);
      switch (pick(['insert', 'delete', 'replace', 'duplicate', 'truncate'] as const)) {
        case 'insert':
          return text.slice(0, at) + pick(bytes) + text.slice(at);
        case 'delete':
          return text.slice(0, at) + text.slice(at + 1);
        case 'replace':
          return text.slice(0, at) + pick(bytes) + text.slice(at + 1);
        case 'duplicate':
          return text.slice(0, at) + text.slice(at, at + 20) + text.slice(at);
        case 'truncate':
          return text.slice(0, Math.max(at, 1));
      }
    };
    const seen = new Map<number, number>();
    const requests = Array.from({ length: 300 }, () => {
      let text = valid;
      for (let n = 1 + Math.floor(next() * 3); n > 0; n--) text = mutate(text);
      return text;
    });
    for (let i = 0; i < requests.length; i += 60) {
      const batch = requests.slice(i, i + 60);
      // A request that stays valid checks the demo password (a salted hash, tens of ms of CPU
      // each, sixty at once): it is answered however long that takes on a busy machine.
      const answered = await Promise.all(batch.map((r) => send(Buffer.from(r, 'latin1'))));
      answered.forEach((answers, j) => {
        for (const answer of answers) {
          seen.set(answer.status, (seen.get(answer.status) ?? 0) + 1);
          expectContract(answer, JSON.stringify(batch[j]));
        }
      });
    }
    console.log(
      `http framing, 300 mutated requests answered: ${JSON.stringify(Object.fromEntries(seen))}`,
    );
    // The mutations reached both the parser and the application (an answer of a route: a
    // success, refused credentials, or no such route).
    expect(seen.get(400)).toBeGreaterThan(10);
    expect([...seen.keys()].some((s) => s < 300 || s === 401 || s === 404)).toBe(true);
  }, 120_000);
});
