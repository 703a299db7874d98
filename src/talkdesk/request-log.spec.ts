import { EventEmitter } from 'node:events';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import {
  accountLogKey,
  logAccount,
  requestLogFields,
  requestLogLevel,
  requestLogOptions,
  startRequestLog,
} from './request-log';

describe('requestLogOptions', () => {
  const levelOf = (url: string, statusCode: number, error?: Error) =>
    requestLogLevel(url, statusCode, error);

  it('logs probes and metric scrapes at debug, whatever they answer', () => {
    expect(levelOf('/health/live', 200)).toBe('debug');
    expect(levelOf('/health/ready', 503)).toBe('debug');
    expect(levelOf('/metrics', 200)).toBe('debug');
    expect(levelOf('/metrics?name[]=x', 200)).toBe('debug');
  });

  it('logs other requests by their outcome', () => {
    expect(levelOf('/contacts/sync', 200)).toBe('info');
    expect(levelOf('/metricsx', 200)).toBe('info');
    expect(levelOf('/healthy', 200)).toBe('info');
    expect(levelOf('/contacts/sync', 401)).toBe('warn');
    expect(levelOf('/contacts/sync', 502)).toBe('error');
    expect(levelOf('/contacts/sync', 200, new Error('aborted'))).toBe('error');
  });

  it('serializes headers only at debug and trace', () => {
    const req = {
      method: 'POST',
      url: '/auth/validate',
      headers: { 'user-agent': 'x' },
      remoteAddress: '127.0.0.1',
    };
    expect(requestLogOptions('info').serializers.req(req)).toEqual({
      method: 'POST',
      url: '/auth/validate',
    });
    expect(requestLogOptions('warn').serializers.res({ statusCode: 204, headers: {} })).toEqual({
      statusCode: 204,
    });
    for (const level of ['debug', 'trace']) {
      expect(requestLogOptions(level).serializers.req(req)).toMatchObject({
        headers: { 'user-agent': 'x' },
      });
    }
  });

  it('names each level beside its number', () => {
    expect(requestLogOptions('info').formatters.level('warn', 40)).toEqual({
      level: 40,
      level_name: 'warn',
    });
  });

  it('logs an account as a short hash of its key', () => {
    expect(accountLogKey('sql:1')).toMatch(/^[A-Za-z0-9_-]{16}$/);
    expect(accountLogKey('sql:1')).toBe(accountLogKey('sql:1'));
    expect(accountLogKey('sql:1')).not.toBe(accountLogKey('sql:2'));
  });
});

describe('startRequestLog', () => {
  const logged: { level: string; line: Record<string, unknown>; msg: string }[] = [];
  const root = {
    isLevelEnabled: (level: string) => level !== 'debug',
    ...Object.fromEntries(
      ['info', 'warn', 'error'].map((level) => [
        level,
        (line: Record<string, unknown>, msg: string) => logged.push({ level, line, msg }),
      ]),
    ),
  } as unknown as Logger;
  const serve = (url: string, route: string | undefined, status: number, work: () => void) => {
    const raw = Object.assign(new EventEmitter(), { statusCode: status, errored: null });
    const request = { id: 'r-1', raw: { url }, routeOptions: { url: route } };
    let ended = 0;
    startRequestLog(
      root,
      request as unknown as FastifyRequest,
      { raw } as unknown as FastifyReply,
      () => {
        ended += 1;
      },
      work,
    );
    raw.emit('close');
    return { ended, raw, request };
  };

  beforeEach(() => (logged.length = 0));

  it('serves the request in its context: its id and account on every line, none outside', () => {
    const seen: object[] = [];
    const { ended, raw, request } = serve('/agents/sync', '/agents/sync', 200, () => {
      seen.push(requestLogFields());
      logAccount('sql:1');
      seen.push(requestLogFields());
    });
    expect(seen).toEqual([
      { request_id: 'r-1' },
      { request_id: 'r-1', account: accountLogKey('sql:1') },
    ]);
    expect(requestLogFields()).toEqual({});
    expect(ended).toBe(1);
    expect(logged).toEqual([
      {
        level: 'info',
        msg: 'request completed',
        line: {
          request_id: 'r-1',
          req: request.raw,
          account: accountLogKey('sql:1'),
          route: '/agents/sync',
          res: raw,
          responseTime: expect.any(Number),
        },
      },
    ]);
  });

  it('logs a 5xx as errored, an unmatched path without a route, probes only at debug', () => {
    serve('/contacts/sync', '/contacts/sync', 502, () => undefined);
    serve('/nowhere', undefined, 404, () => undefined);
    serve('/health/live', '/health/live', 200, () => undefined);
    expect(logged.map(({ level, msg }) => [level, msg])).toEqual([
      ['error', 'request errored'],
      ['warn', 'request completed'],
    ]);
    expect((logged[0].line.err as Error).message).toBe('failed with status code 502');
    expect(logged[1].line).not.toHaveProperty('route');
  });

  it('ties no account to lines outside a request', () => {
    logAccount('sql:1');
    expect(requestLogFields()).toEqual({});
  });
});
