import { connect } from 'node:net';
import { ERRORS } from '../../talkdesk/contract/errors';
import { seededRandom } from '../../common/seeded-random';

/**
 * A fuzzer of the bridge's HTTP surface over raw sockets: requests to every endpoint, valid at
 * first, then mutated at the byte level (inserted, deleted, replaced or repeated bytes, cut
 * short) or at the header level (huge headers, broken framing, odd bytes). Every answer must be
 * below 500, and every error `{ code, message, request_id }` with its code's status.
 */

const STATUS_OF = new Map<string, number>(ERRORS.map((e) => [e.code, e.status]));
const AUTH = { username: 'demo@example.com', password: 'demo' };

const POSTS: [string, unknown][] = [
  ['/auth/validate', { auth: AUTH }],
  ['/contacts/sync', { auth: AUTH, meta: { offset: null, context: null } }],
  ['/agents/sync', { auth: AUTH, meta: { offset: 0 } }],
  ['/interactions/retrieve', { auth: AUTH, data: { contact_external_id: '1' } }],
  [
    '/actions/create_ticket',
    { auth: AUTH, meta: { contact_external_id: '1' }, data: { subject: 's', description: 'd' } },
  ],
];
const GETS = [
  '/health/live',
  '/health/ready',
  '/integration/configuration',
  '/integration/actions',
  '/metrics',
  '/docs-json',
];

export interface FuzzOptions {
  port: number;
  host?: string;
  requests: number;
  seed?: number;
  concurrency?: number;
}

export interface FuzzReport {
  requests: number;
  answers: number;
  /** Answers by status; 0 counts connections closed without an answer. */
  statuses: Record<number, number>;
  /** Answers outside the contract, with the request that caused them (at most 20). */
  violations: { request: string; answer: string }[];
}

/** The requests of a run, the same for the same seed. */
export function generateRequests(count: number, seed = 1): string[] {
  const next = seededRandom(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)];
  const bytes = ['\r', '\n', '\r\n', '\0', ' ', ':', '\u0001', '\u007f', '\u00ff', 'x', '%', '"'];
  const valid = (): string => {
    if (next() < 0.3)
      return `GET ${pick(GETS)} HTTP/1.1\r\nHost: bridge\r\nConnection: close\r\n\r\n`;
    const [path, body] = pick(POSTS);
    const json = JSON.stringify(body);
    return (
      `POST ${path} HTTP/1.1\r\nHost: bridge\r\nConnection: close\r\n` +
      `Content-Type: application/json\r\nContent-Length: ${Buffer.byteLength(json)}\r\n\r\n${json}`
    );
  };
  const headerLevel = (text: string): string => {
    const [head, ...rest] = text.split('\r\n\r\n');
    const body = rest.join('\r\n\r\n');
    switch (Math.floor(next() * 6)) {
      case 0:
        return `${head}\r\nX-Big: ${'a'.repeat(17_000 + Math.floor(next() * 10_000))}\r\n\r\n${body}`;
      case 1:
        return `${head.replace(/Content-Length: \d+/, `Content-Length: ${pick(['-1', 'abc', '99999999999999999999', '1, 2'])}`)}\r\n\r\n${body}`;
      case 2:
        return `${head.replace(/Content-Length: \d+/, 'Transfer-Encoding: chunked')}\r\n\r\n${pick(['zz', 'ffffffffffff', '5;' + 'x'.repeat(20_000)])}\r\n${body}\r\n0\r\n\r\n`;
      case 3:
        return `${head}\r\nX-${pick(['A', 'B'])}${pick(bytes)}: v${pick(bytes)}v\r\n\r\n${body}`;
      case 4:
        return `${head}\r\nContent-Length: 1\r\n\r\n${body}`;
      default:
        return `${head}\r\nTransfer-Encoding: ${pick(['chunked', 'gzip, chunked', 'identity'])}\r\n\r\n${body}`;
    }
  };
  const byteLevel = (text: string): string => {
    const at = Math.floor(next() * text.length);
    switch (Math.floor(next() * 5)) {
      case 0:
        return text.slice(0, at) + pick(bytes) + text.slice(at);
      case 1:
        return text.slice(0, at) + text.slice(at + 1);
      case 2:
        return text.slice(0, at) + pick(bytes) + text.slice(at + 1);
      case 3:
        return text.slice(0, at) + text.slice(at, at + 20) + text.slice(at);
      default:
        return text.slice(0, Math.max(at, 1));
    }
  };
  return Array.from({ length: count }, () => {
    let text = valid();
    const roll = next();
    if (roll < 0.1) return text;
    if (roll < 0.4) return headerLevel(text);
    for (let n = 1 + Math.floor(next() * 3); n > 0; n--) text = byteLevel(text);
    return text;
  });
}

/** The answers on one connection, until the server closes it (or `quietMs` after the last byte sent). */
function exchange(host: string, port: number, request: string, quietMs = 400): Promise<string> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    const socket = connect(port, host, () => socket.write(Buffer.from(request, 'latin1')));
    const timer = setTimeout(() => socket.end(), quietMs);
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('error', () => undefined);
    socket.on('close', () => {
      clearTimeout(timer);
      resolve(Buffer.concat(chunks).toString('latin1'));
    });
  });
}

/** Why an answer is outside the contract, or null when it is in it. */
export function contractViolation(answer: string): string | null {
  const [head, ...rest] = answer.split('\r\n\r\n');
  const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(head)?.[1]);
  if (!Number.isInteger(status)) return 'not an HTTP/1.1 answer';
  if (status >= 500) return `status ${status}`;
  if (status < 400) return null;
  if (!/\r\ncontent-type: application\/json/i.test(head)) return 'an error that is not JSON';
  let body: unknown;
  try {
    let payload = rest.join('\r\n\r\n');
    if (/\r\ntransfer-encoding: chunked/i.test(head)) {
      payload = payload.replace(/^[0-9a-f]+\r\n/i, '').replace(/\r\n0\r\n\r\n$/, '');
    }
    body = JSON.parse(payload);
  } catch {
    return 'an error body that is not JSON';
  }
  const b = body as Record<string, unknown>;
  if (
    typeof b.code !== 'string' ||
    typeof b.message !== 'string' ||
    typeof b.request_id !== 'string'
  )
    return 'an error body without code, message and request_id';
  if (STATUS_OF.get(b.code) !== status) return `code ${b.code} with status ${status}`;
  return null;
}

export async function fuzz(options: FuzzOptions): Promise<FuzzReport> {
  const host = options.host ?? '127.0.0.1';
  const requests = generateRequests(options.requests, options.seed ?? 1);
  const report: FuzzReport = {
    requests: requests.length,
    answers: 0,
    statuses: {},
    violations: [],
  };
  let index = 0;
  const worker = async () => {
    while (index < requests.length) {
      const request = requests[index++];
      const text = await exchange(host, options.port, request);
      const answers = text === '' ? [] : text.split(/(?=HTTP\/1\.1 \d{3} )/);
      if (answers.length === 0) report.statuses[0] = (report.statuses[0] ?? 0) + 1;
      for (const answer of answers) {
        report.answers++;
        const status = Number(answer.slice(9, 12));
        report.statuses[status] = (report.statuses[status] ?? 0) + 1;
        const why = contractViolation(answer);
        if (why && report.violations.length < 20) {
          report.violations.push({ request: JSON.stringify(request.slice(0, 300)), answer: why });
        }
      }
    }
  };
  await Promise.all(Array.from({ length: options.concurrency ?? 20 }, worker));
  return report;
}
