import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { request } from 'undici';
import { RetryableUpstreamError, UpstreamError } from '../ports/errors';
import { classifyHttpError, createUpstreamAgent, httpStatusError } from './http-upstream';

describe('HTTP upstream helpers', () => {
  let server: Server;
  let url: string;
  const sockets = new Set<unknown>();

  beforeAll(async () => {
    server = createServer((_req, res) => res.end('ok'));
    server.on('connection', (socket) => sockets.add(socket));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  });
  afterAll(() => new Promise((resolve) => server.close(resolve)));

  it('the agent keeps connections alive and reuses them, within its pool size', async () => {
    const agent = createUpstreamAgent({ connections: 2 });
    for (let i = 0; i < 20; i++) {
      const res = await request(url, { dispatcher: agent });
      expect(await res.body.text()).toBe('ok');
    }
    const concurrent = await Promise.all(
      Array.from({ length: 10 }, () =>
        request(url, { dispatcher: agent }).then((res) => res.body.text()),
      ),
    );
    expect(concurrent).toEqual(Array(10).fill('ok'));
    // 30 requests over at most 2 sockets: connections are pooled and kept alive.
    expect(sockets.size).toBeGreaterThanOrEqual(1);
    expect(sockets.size).toBeLessThanOrEqual(2);
    await agent.close();
  });

  it('maps HTTP statuses: retryable only for idempotent calls, with Retry-After', () => {
    const busy = httpStatusError(503, '7', true);
    expect(busy).toBeInstanceOf(RetryableUpstreamError);
    expect((busy as RetryableUpstreamError).retryAfterMs).toBe(7000);
    expect(httpStatusError(503, '7', false)).not.toBeInstanceOf(RetryableUpstreamError);
    expect(httpStatusError(500, null, true)).toBeInstanceOf(RetryableUpstreamError);
    expect(httpStatusError(500, null, false)).not.toBeInstanceOf(RetryableUpstreamError);
    expect(httpStatusError(404, null, true)).not.toBeInstanceOf(RetryableUpstreamError);
    expect(httpStatusError(404, null, true)).toBeInstanceOf(UpstreamError);
  });

  it('codes a 429 upstream_rate_limited, other statuses upstream_failed', () => {
    expect(httpStatusError(429, '1', true).code).toBe('upstream_rate_limited');
    expect(httpStatusError(429, null, false).code).toBe('upstream_rate_limited');
    expect(httpStatusError(503, '7', true).code).toBe('upstream_failed');
    expect(httpStatusError(404, null, true).code).toBe('upstream_failed');
  });

  it('classifies network errors', () => {
    const refused = Object.assign(new Error('connect'), { code: 'ECONNREFUSED' });
    const reset = Object.assign(new Error('reset'), { code: 'ECONNRESET' });
    expect(classifyHttpError(refused, false)).toBeInstanceOf(RetryableUpstreamError);
    expect(classifyHttpError(reset, true)).toBeInstanceOf(RetryableUpstreamError);
    expect(classifyHttpError(reset, false)).not.toBeInstanceOf(RetryableUpstreamError);
    expect(classifyHttpError(reset, false)).toBeInstanceOf(UpstreamError);
    for (const [error, idempotent] of [
      [refused, false],
      [reset, true],
      [reset, false],
    ] as const) {
      expect((classifyHttpError(error, idempotent) as UpstreamError).code).toBe(
        'upstream_unreachable',
      );
    }
    const other = new Error('other');
    expect(classifyHttpError(other)).toBe(other);
  });
});
