import { CredentialsPort } from '../src/connectors/ports';
import { accountLogKey } from '../src/talkdesk/request-log';
import { LogCapture } from './support/log-capture';
import { DEMO, OTHER, useTestApp } from './support/test-app';

/**
 * The request log at the default level (info): one short line per request, with what an operator
 * searches by, and nothing else. In a file of its own: the logger keeps process-wide state, so
 * the captured app must be the first of its file.
 */
describe('the request log at level info', () => {
  const logs = new LogCapture();
  const t = useTestApp({ logLevel: 'info' }, { logDestination: logs });
  const completed = (id: string) =>
    logs.lines.filter((l) => l.request_id === id && l.msg === 'request completed');
  const keyOf = async (auth: Record<string, string>) => {
    const resolved = await t.app
      .get(CredentialsPort)
      .authenticate(auth, { signal: new AbortController().signal });
    return resolved!.account.key;
  };

  it('logs method, URL, route pattern, status, duration, request id and the account hash', async () => {
    const res = await t.post(
      '/actions/create_ticket',
      { auth: DEMO, data: { subject: 'Printer' } },
      { 'x-request-id': 'info-1', 'user-agent': 'probe-agent/1.0' },
    );
    expect(res.status).toBe(400);
    await t.post('/agents/sync', { auth: DEMO }, { 'x-request-id': 'info-2' });
    await t.post('/agents/sync', { auth: OTHER }, { 'x-request-id': 'info-3' });

    const [line] = completed('info-1');
    expect(line).toEqual({
      level: 40,
      level_name: 'warn',
      time: expect.any(Number),
      pid: process.pid,
      hostname: expect.any(String),
      request_id: 'info-1',
      req: { method: 'POST', url: '/actions/create_ticket' },
      route: '/actions/:name',
      account: accountLogKey(await keyOf(DEMO)),
      res: { statusCode: 400 },
      responseTime: expect.any(Number),
      msg: 'request completed',
    });
    const [demo] = completed('info-2');
    const [other] = completed('info-3');
    expect(demo).toMatchObject({ level: 30, level_name: 'info', route: '/agents/sync' });
    expect(demo.account).toBe(line.account);
    expect(other.account).toBe(accountLogKey(await keyOf(OTHER)));
    expect(other.account).not.toBe(demo.account);
    // The hash, never the key itself.
    expect(logs.text).not.toContain(await keyOf(DEMO));
  });

  it('keeps the line short: no headers below debug', async () => {
    await t.post(
      '/contacts/sync',
      { auth: DEMO },
      {
        'x-request-id': 'info-4',
        accept: 'application/json',
        'user-agent': 'Talkdesk-Integrations/1.0',
        'x-forwarded-for': '203.0.113.7',
        traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01',
      },
    );
    const [line] = completed('info-4');
    expect(line.req.headers).toBeUndefined();
    expect(line.res.headers).toBeUndefined();
    const raw = logs.text.split('\n').find((l) => l.includes('"request_id":"info-4"'))!;
    expect(Buffer.byteLength(raw)).toBeLessThan(400);
    expect(raw).not.toContain('Talkdesk-Integrations');
  });

  it('logs no account for rejected credentials and no route for an unknown path', async () => {
    const wrong = { username: DEMO.username, password: 'Wrong-pw-5c1e-never-log' };
    expect(
      (await t.post('/contacts/sync', { auth: wrong }, { 'x-request-id': 'info-5' })).status,
    ).toBe(401);
    expect((await t.post('/nowhere', {}, { 'x-request-id': 'info-6' })).status).toBe(404);
    const [rejected] = completed('info-5');
    expect(rejected).toMatchObject({
      level_name: 'warn',
      route: '/contacts/sync',
      res: { statusCode: 401 },
    });
    expect(rejected.account).toBeUndefined();
    const [unknown] = completed('info-6');
    expect(unknown).toMatchObject({ req: { url: '/nowhere' }, res: { statusCode: 404 } });
    expect(unknown.route).toBeUndefined();
    expect(logs.text).not.toContain(wrong.password);
  });

  it('leaves probes and metric scrapes out (they are logged at debug)', async () => {
    for (const [url, id] of [
      ['/health/live', 'probe-1'],
      ['/health/ready', 'probe-2'],
      ['/metrics', 'probe-3'],
    ]) {
      expect((await t.get(url, { 'x-request-id': id })).status).toBe(200);
      expect(logs.lines.filter((l) => l.request_id === id)).toEqual([]);
    }
  });
});
