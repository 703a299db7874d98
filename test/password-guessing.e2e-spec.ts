import crypto from 'node:crypto';
import { expectError } from './support/talkdesk';
import { DEMO, OTHER, startTestApp, TestApp, useTestApp } from './support/test-app';
import { createHelpdesk, HELPDESK_ORGS, seedHelpdesk } from './support/user-schemas/helpdesk';
import { createUserDatabase, UserDatabase } from './support/user-schemas/user-database';

/**
 * Password guessing: the rate limit counts by identity (the normalized username), so an extra
 * field, a changed case or a new password each time is the same budget; rejected credentials
 * back off per identity and address (per key and address for API keys); an unknown username costs
 * the same hash as a known one.
 */

describe('password guessing: the rate limit counts by identity', () => {
  const t = useTestApp({ rateLimitMax: 5, authFailureLimit: 0, credentialsCacheSeconds: 0 });

  it('new passwords, case changes and extra fields share one budget, then 429', async () => {
    const variants = [
      { ...DEMO, password: 'guess-1' },
      { ...DEMO, password: 'guess-2' },
      { username: DEMO.username.toUpperCase(), password: 'guess-3' },
      { username: ` ${DEMO.username} `, password: 'guess-4' },
      { ...DEMO, password: 'guess-5', extra: 'x' },
      { ...DEMO, password: 'guess-6', another: 1 },
    ];
    const statuses: number[] = [];
    for (const auth of variants) statuses.push((await t.post('/auth/validate', { auth })).status);
    expect(statuses).toEqual([401, 401, 401, 401, 401, 429]);
    // Another account has its own budget.
    expect((await t.post('/auth/validate', { auth: OTHER })).status).toBe(204);
  });
});

describe('password guessing: back-off after rejected credentials', () => {
  const t = useTestApp({
    authFailureLimit: 3,
    authFailureWindowSeconds: 60,
    credentialsCacheSeconds: 0,
  });

  it('after AUTH_FAILURE_LIMIT rejections, that identity from that address is a 429 with Retry-After, even with the right password', async () => {
    for (const password of ['a', 'b', 'c']) {
      const res = await t.post('/auth/validate', { auth: { ...DEMO, password } });
      expectError(res, 401);
    }
    const locked = await t.post('/auth/validate', { auth: DEMO });
    expectError(locked, 429);
    expect(locked.body.code).toBe('credentials_backoff');
    expect(locked.headers['retry-after']).toBe('60');
    const upper = await t.post('/auth/validate', {
      auth: { ...DEMO, username: DEMO.username.toUpperCase() },
    });
    expect(upper.body.code).toBe('credentials_backoff');

    // Not from another address (Talkdesk's), and not for another identity.
    const elsewhere = await t.inject({
      method: 'POST',
      url: '/auth/validate',
      remoteAddress: '10.9.8.7',
      payload: { auth: DEMO },
    });
    expect(elsewhere.status).toBe(204);
    expect((await t.post('/auth/validate', { auth: OTHER })).status).toBe(204);
  });
});

describe('password guessing: back-off after rejected API keys', () => {
  let user: UserDatabase;
  let t: TestApp;
  const [initech, umbrella] = HELPDESK_ORGS;

  beforeAll(async () => {
    // The help desk's manifest checks API keys: credentials that name no identity.
    user = await createUserDatabase();
    await createHelpdesk(user.db, user.database.kind);
    await seedHelpdesk(user.db);
    t = await startTestApp({
      connector: 'sql',
      connectorManifest: 'connectors/sql/helpdesk.yaml',
      databaseUrl: user.url,
      authFailureLimit: 3,
      authFailureWindowSeconds: 60,
      credentialsCacheSeconds: 0,
    });
  }, 120_000);
  afterAll(async () => {
    await t?.close();
    await user?.close();
  });

  it('a key rejected AUTH_FAILURE_LIMIT times backs off; the right keys from that address do not', async () => {
    const validate = (api_key: string) => t.post('/auth/validate', { auth: { api_key } });
    for (let i = 0; i < 3; i++) expectError(await validate('hd-wrong-key'), 401);
    const locked = await validate('hd-wrong-key');
    expectError(locked, 429);
    expect(locked.body.code).toBe('credentials_backoff');
    expect(locked.headers['retry-after']).toBe('60');

    expect((await validate(initech.apiKey)).status).toBe(204);
    expect((await validate(umbrella.apiKey)).status).toBe(204);
    // Another wrong key has its own count.
    expectError(await validate('hd-other-wrong-key'), 401);
  });
});

describe('password guessing: the cost of an unknown username', () => {
  const t = useTestApp({ rateLimitMax: 0, authFailureLimit: 0, credentialsCacheSeconds: 0 });

  it('an unknown username costs the same password hash as a known one with a wrong password', async () => {
    // The work itself, not how long it took on this machine: the scrypt derivations each
    // request makes, with their cost parameters (watched, not replaced).
    const scrypt = jest.spyOn(crypto, 'scrypt');
    const hashesOf = async (username: string) => {
      scrypt.mockClear();
      const res = await t.post('/auth/validate', { auth: { username, password: 'wrong' } });
      expect(res.status).toBe(401);
      return scrypt.mock.calls.map(([, salt, keyLength, options]) => ({
        salt: (salt as Buffer).length,
        keyLength,
        options,
      }));
    };
    try {
      const known = await hashesOf(DEMO.username);
      // Before: a known username paid a hash, an unknown one none (33 ms against 2 ms).
      expect(known).toEqual([{ salt: 16, keyLength: 32, options: { N: 16384, r: 8, p: 1 } }]);
      for (let i = 0; i < 3; i++) expect(await hashesOf(`nobody-${i}@example.com`)).toEqual(known);
    } finally {
      scrypt.mockRestore();
    }
  });
});

describe('the limit per client address (RATE_LIMIT_ADDRESS_MAX)', () => {
  const t = useTestApp({ rateLimitAddressMax: 3, authFailureLimit: 0 });

  it('counts every account of one address together; another address has its own budget', async () => {
    const from = (remoteAddress: string, auth: Record<string, unknown>) =>
      t.inject({ method: 'POST', url: '/auth/validate', remoteAddress, payload: { auth } });
    const statuses = [];
    for (const auth of [DEMO, OTHER, { username: 'x@example.com', password: 'y' }, DEMO]) {
      statuses.push((await from('10.1.1.1', auth)).status);
    }
    expect(statuses).toEqual([204, 204, 401, 429]);
    expect((await from('10.1.1.2', DEMO)).status).toBe(204);
  });
});
