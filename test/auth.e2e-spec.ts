import { hashPassword } from '../src/connectors/sql/passwords';
import { expectError } from './support/talkdesk';
import { DEMO, OTHER, Reply, useTestApp } from './support/test-app';

describe('POST /auth/validate', () => {
  const t = useTestApp();

  const validate = (auth: unknown) => t.post('/auth/validate', { auth });

  /** Nothing in the answer repeats the secret: not the body, not a header. */
  const expectNoSecret = (res: Reply, secret: string) => {
    expect(res.payload).not.toContain(secret);
    expect(JSON.stringify(res.headers)).not.toContain(secret);
  };

  it('answers 204 with no body for the demo credentials', async () => {
    const res = await validate(DEMO);
    expect(res.status).toBe(204);
    expect(res.payload).toBe('');
  });

  it('answers 204 for the other demo account', async () => {
    const res = await validate(OTHER);
    expect(res.status).toBe(204);
    expect(res.payload).toBe('');
  });

  it('reads the username without regard to case or surrounding spaces', async () => {
    const res = await validate({ username: '  Demo@Example.COM ', password: DEMO.password });
    expect(res.status).toBe(204);
  });

  it('answers 401 JSON { message } for a wrong password', async () => {
    const res = await validate({ ...DEMO, password: 'wrong-password' });
    expectError(res, 401);
    expect(Object.keys(res.body).sort()).toEqual(['code', 'message', 'request_id']);
    expect(res.body.code).toBe('credentials_rejected');
  });

  it('answers 401 for an unknown user, the other account’s password, or missing/non-string fields', async () => {
    const cases: unknown[] = [
      { username: 'nobody@example.com', password: 'demo' },
      { ...DEMO, password: OTHER.password },
      { username: DEMO.username },
      { password: DEMO.password },
      {},
      { ...DEMO, password: 1234 },
      { ...DEMO, password: null },
      { ...DEMO, username: ['demo@example.com'] },
    ];
    for (const auth of cases) {
      const res = await validate(auth);
      expectError(res, 401);
      expect(res.body.code).toBe('credentials_rejected');
    }
  });

  it('never repeats the password in a 401 body or its headers', async () => {
    const secret = 'S3cr3t-Pa55w0rd-that-must-not-leak';
    const res = await validate({ username: DEMO.username, password: secret });
    expectError(res, 401);
    expectNoSecret(res, secret);
    const unknown = await validate({ username: 'nobody@example.com', password: secret });
    expectError(unknown, 401);
    expectNoSecret(unknown, secret);
  });

  it('never repeats credentials in a 400 about other fields', async () => {
    const secret = 'Another-Secret-Value-42';
    const res = await t.post('/contacts/sync', {
      auth: { username: DEMO.username, password: secret },
      meta: { offset: { nested: secret } },
    });
    expectError(res, 400);
    expect(res.body.code).toBe('validation_failed');
    expect(res.body.message).toContain('meta.offset');
    expectNoSecret(res, secret);
  });

  it('answers 400 naming auth when auth is missing or not an object', async () => {
    for (const body of [{}, { auth: 'demo:demo' }, { auth: null }, { auth: 42 }]) {
      const res = await t.post('/auth/validate', body);
      expectError(res, 400);
      expect(res.body.code).toBe('validation_failed');
      expect(res.body.message).toMatch(/\bauth\b/);
    }
  });

  it('accepts valid credentials again after a refusal', async () => {
    expectError(await validate({ ...DEMO, password: 'nope' }), 401);
    expect((await validate(DEMO)).status).toBe(204);
  });

  it('asks the external system every time rather than trusting an earlier answer', async () => {
    const db = t.db();
    const setPassword = async (password: string) =>
      db
        .updateTable('accounts')
        .set({ password_hash: await hashPassword(password) })
        .where('username', '=', DEMO.username)
        .execute();
    expect((await validate(DEMO)).status).toBe(204);
    await setPassword('changed-password');
    try {
      expectError(await validate(DEMO), 401);
      expect((await validate({ ...DEMO, password: 'changed-password' })).status).toBe(204);
    } finally {
      await setPassword(DEMO.password);
    }
    expect((await validate(DEMO)).status).toBe(204);
  });
});
