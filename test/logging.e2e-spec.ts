import { MappedContactsAdapter } from '../src/connectors/sql/mapped/mapped-adapters';
import { DEMO, useTestApp } from './support/test-app';

describe('logs', () => {
  const SECRET = 'Never-Log-Me-7f3a';
  let chunks: string[];
  let write: jest.SpyInstance;

  /** Every JSON line logged so far. */
  const entries = (): any[] =>
    chunks
      .join('')
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as unknown);
  const ofRequest = (id: string) => entries().filter((e) => (e.request_id ?? e.req?.id) === id);

  beforeAll(() => {
    chunks = [];
    // pino writes to process.stdout once it is replaced: capture everything it logs.
    write = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: unknown) => {
      chunks.push(String(chunk));
      return true;
    });
  });
  const t = useTestApp({ logLevel: 'trace' });
  afterAll(() => {
    write.mockRestore();
  });

  it('log every request once it completes, with its request id and status', async () => {
    const res = await t.post('/agents/sync', { auth: DEMO }, { 'x-request-id': 'log-probe-1' });
    expect(res.status).toBe(200);
    const completed = ofRequest('log-probe-1').filter((e) => e.msg === 'request completed');
    expect(completed).toHaveLength(1);
    expect(completed[0].req.url).toBe('/agents/sync');
    expect(completed[0].res.statusCode).toBe(200);
    const failed = await t.post('/contacts/nowhere', {}, { 'x-request-id': 'log-probe-2' });
    expect(failed.status).toBe(404);
    expect(ofRequest('log-probe-2').map((e) => e.res?.statusCode)).toContain(404);
  });

  it('tie what a service logs during a request to that request', async () => {
    await t.post('/agents/sync', { auth: DEMO }, { 'x-request-id': 'log-probe-3' });
    // The demo has users without a usable email: the agents service says it skipped them.
    const skipped = ofRequest('log-probe-3').filter((e) => /^Skipped/.test(e.msg));
    expect(skipped).toHaveLength(1);
    expect(skipped[0].context).toBe('AgentsService');
  });

  it('mask the headers that can carry secrets', async () => {
    const res = await t.post(
      '/auth/validate',
      { auth: DEMO },
      {
        'x-request-id': 'log-probe-4',
        authorization: `Bearer ${SECRET}`,
        'x-api-key': SECRET,
        cookie: `s=${SECRET}`,
      },
    );
    expect(res.status).toBe(204);
    const [entry] = ofRequest('log-probe-4');
    expect(entry.req.headers).toEqual(
      expect.objectContaining({
        authorization: '[redacted]',
        'x-api-key': '[redacted]',
        cookie: '[redacted]',
      }),
    );
  });

  it('never contain the credentials, whatever the request and its outcome', async () => {
    const auth = { username: DEMO.username, password: SECRET };
    const requests = [
      () => t.post('/auth/validate', { auth }),
      () => t.post('/contacts/sync', { auth, meta: { offset: 'garbage' } }),
      () => t.post('/contacts/sync', { auth: SECRET }),
      () => t.post('/agents/sync', { auth, meta: { offset: -1 } }),
      () => t.post('/interactions/retrieve', { auth, data: { contact_external_id: '1' } }),
      () => t.post('/actions/create_ticket', { auth, data: {} }),
      () => t.post('/actions/create_ticket', { auth: DEMO, data: { subject: SECRET } }),
      () =>
        t.inject({
          method: 'POST',
          url: '/auth/validate',
          headers: { 'content-type': 'application/json' },
          payload: `{"auth":{"username":"${DEMO.username}","password":"${SECRET}"`,
        }),
    ];
    const before = entries().filter((e) => e.msg === 'request completed').length;
    for (const request of requests) expect((await request()).status).toBeGreaterThanOrEqual(200);
    // An unexpected failure is logged with its stack.
    const contacts = t.app.get(MappedContactsAdapter);
    jest.spyOn(contacts, 'listContacts').mockRejectedValueOnce(new Error('unexpected boom'));
    expect((await t.post('/contacts/sync', { auth: DEMO })).status).toBe(500);

    // Logging was on: every request left a line, and the failure its stack.
    const after = entries().filter((e) => ['request completed', 'request errored'].includes(e.msg));
    expect(after.length - before).toBeGreaterThanOrEqual(requests.length + 1);
    const log = chunks.join('');
    expect(log).toContain('unexpected boom');
    expect(log).not.toContain(SECRET);
  });
});
