import { IncomingMessage, ServerResponse } from 'node:http';
import { accountLogKey, requestLogOptions } from './request-log';

describe('requestLogOptions', () => {
  const levelOf = (url: string, statusCode: number, error?: Error) =>
    requestLogOptions('info').customLogLevel(
      { url } as IncomingMessage,
      { statusCode } as ServerResponse,
      error,
    );

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
      raw: {} as IncomingMessage,
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
