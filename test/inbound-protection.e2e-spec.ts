import { Redis } from 'ioredis';
import { call } from './support/inject';
import { deleteUnder, keysUnder, openRedis, REDIS_URL, uniquePrefix } from './support/redis';
import { DEMO, OTHER, useTestApp } from './support/test-app';

const TOKEN = 'a-long-shared-secret-for-the-bridge';
const basic = (password: string) =>
  `Basic ${Buffer.from(`talkdesk:${password}`).toString('base64')}`;
const validate = { auth: DEMO };

/** The open endpoints: probes, docs and the configuration an operator gives Talkdesk. */
const OPEN = [
  '/health/live',
  '/integration/configuration',
  '/integration/actions',
  '/docs',
  '/docs-json',
];

describe('bridge token (BRIDGE_TOKEN)', () => {
  const t = useTestApp({ bridgeToken: TOKEN });

  it('refuses a webhook call without the token: 401 JSON with a request id', async () => {
    const res = await call(t.app, 'POST', '/auth/validate', { body: validate });
    expect(res.status).toBe(401);
    expect(res.body).toEqual({
      code: 'bridge_token_required',
      message: expect.stringContaining('bridge token'),
      request_id: expect.any(String),
    });
    expect(res.headers['www-authenticate']).toContain('Basic');
  });

  it('does not invite a browser login dialog when a wrong X-Bridge-Token was sent', async () => {
    const res = await call(t.app, 'POST', '/auth/validate', {
      body: validate,
      headers: { 'x-bridge-token': 'wrong-token' },
    });
    expect(res.status).toBe(401);
    expect(res.headers['www-authenticate']).not.toContain('Basic');
  });

  it('refuses a wrong token, in the header or as basic auth, without echoing it', async () => {
    for (const headers of <Record<string, string>[]>[
      { 'x-bridge-token': 'wrong-token' },
      { authorization: basic('wrong-token') },
      { 'x-bridge-token': `${TOKEN}!` },
    ]) {
      const res = await call(t.app, 'POST', '/contacts/sync', { body: validate, headers });
      expect(res.status).toBe(401);
      expect(res.body.code).toBe('bridge_token_required');
      expect(JSON.stringify(res.body)).not.toContain('wrong-token');
      expect(JSON.stringify(res.body)).not.toContain(TOKEN);
    }
  });

  it('lets every webhook through with the token in X-Bridge-Token or as basic auth', async () => {
    const headers = { 'x-bridge-token': TOKEN };
    expect((await call(t.app, 'POST', '/auth/validate', { body: validate, headers })).status).toBe(
      204,
    );
    expect(
      (
        await call(t.app, 'POST', '/auth/validate', {
          body: validate,
          headers: { authorization: basic(TOKEN) },
        })
      ).status,
    ).toBe(204);
    expect((await call(t.app, 'POST', '/agents/sync', { body: validate, headers })).status).toBe(
      200,
    );
    expect(
      (
        await call(t.app, 'POST', '/interactions/retrieve', {
          body: { auth: DEMO, data: { contact_external_id: '1' } },
          headers,
        })
      ).status,
    ).toBe(200);
  });

  it('checks the token before anything else: even a malformed body or unknown action is a 401', async () => {
    const unknownAction = await call(t.app, 'POST', '/actions/nope', { body: validate });
    expect(unknownAction.status).toBe(401);
    expect(unknownAction.body.code).toBe('bridge_token_required');
    const malformed = await call(t.app, 'POST', '/contacts/sync', { body: { auth: 1 } });
    expect(malformed.status).toBe(401);
    expect(malformed.body.code).toBe('bridge_token_required');
  });

  it.each(OPEN)('leaves %s open', async (url) => {
    expect((await call(t.app, 'GET', url)).status).toBe(200);
  });
});

describe('IP allow-list (IP_ALLOWLIST, TRUST_PROXY)', () => {
  const direct = useTestApp({ ipAllowlist: '10.0.0.0/8, 2001:db8::/32' });
  // Behind a proxy at 127.0.0.1: its X-Forwarded-For is believed, nobody else's.
  const proxied = useTestApp({ ipAllowlist: '10.0.0.0/8', trustProxy: '127.0.0.1' });

  it('refuses webhook calls from other addresses with 403 JSON', async () => {
    const res = await call(direct.app, 'POST', '/auth/validate', {
      body: validate,
      remoteAddress: '192.0.2.10',
    });
    expect(res.status).toBe(403);
    expect(res.body).toEqual({
      code: 'address_not_allowed',
      message: expect.any(String),
      request_id: expect.any(String),
    });
  });

  it('lets addresses of the list through, IPv4 and IPv6', async () => {
    for (const remoteAddress of ['10.20.30.40', '2001:db8::5', '::ffff:10.1.1.1']) {
      const res = await call(direct.app, 'POST', '/auth/validate', {
        body: validate,
        remoteAddress,
      });
      expect(res.status).toBe(204);
    }
  });

  it('ignores X-Forwarded-For when TRUST_PROXY is off (the default): no spoofing', async () => {
    const res = await call(direct.app, 'POST', '/auth/validate', {
      body: validate,
      remoteAddress: '192.0.2.10',
      headers: { 'x-forwarded-for': '10.0.0.1' },
    });
    expect(res.status).toBe(403);
  });

  it('follows X-Forwarded-For from a trusted proxy only', async () => {
    const viaProxy = await call(proxied.app, 'POST', '/auth/validate', {
      body: validate,
      remoteAddress: '127.0.0.1',
      headers: { 'x-forwarded-for': '10.0.0.1' },
    });
    expect(viaProxy.status).toBe(204);
    const refusedClient = await call(proxied.app, 'POST', '/auth/validate', {
      body: validate,
      remoteAddress: '127.0.0.1',
      headers: { 'x-forwarded-for': '192.0.2.10' },
    });
    expect(refusedClient.status).toBe(403);
    const untrustedProxy = await call(proxied.app, 'POST', '/auth/validate', {
      body: validate,
      remoteAddress: '192.0.2.99',
      headers: { 'x-forwarded-for': '10.0.0.1' },
    });
    expect(untrustedProxy.status).toBe(403);
  });

  it('leaves health and configuration open to any address', async () => {
    for (const url of ['/health/live', '/integration/configuration']) {
      expect((await call(direct.app, 'GET', url, { remoteAddress: '192.0.2.10' })).status).toBe(
        200,
      );
    }
  });
});

describe.each(['memory', 'redis'] as const)('per-account rate limit (%s)', (store) => {
  const prefix = uniquePrefix('rate-limit');
  let redis: Redis | undefined;
  const shared = store === 'redis' ? { redisUrl: REDIS_URL, redisKeyPrefix: prefix } : {};

  beforeAll(() => {
    redis = store === 'redis' ? openRedis() : undefined;
  });
  const a = useTestApp({ ...shared, rateLimitMax: 4, rateLimitWindowSeconds: 60 });
  // A second replica: with Redis it shares the counters.
  const b = useTestApp(
    { ...shared, rateLimitMax: 4, rateLimitWindowSeconds: 60 },
    { shareDatabaseWith: a },
  );
  afterAll(async () => {
    if (redis) {
      await deleteUnder(redis, prefix);
      await redis.quit();
    }
  });

  it('answers 429 JSON with Retry-After once an account is over the limit', async () => {
    const statuses = [];
    for (let i = 0; i < 4; i++) {
      statuses.push((await call(a.app, 'POST', '/agents/sync', { body: { auth: DEMO } })).status);
    }
    expect(statuses).toEqual([200, 200, 200, 200]);
    const limited = await call(a.app, 'POST', '/agents/sync', { body: { auth: DEMO } });
    expect(limited.status).toBe(429);
    expect(limited.body).toEqual({
      code: 'rate_limited',
      message: expect.stringContaining('Too many requests'),
      request_id: expect.any(String),
    });
    const retryAfter = Number(limited.headers['retry-after']);
    expect(Number.isInteger(retryAfter)).toBe(true);
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(60);
  });

  it('counts each account on its own: another account is not limited', async () => {
    expect((await call(a.app, 'POST', '/agents/sync', { body: { auth: OTHER } })).status).toBe(200);
  });

  it('never limits the health probes', async () => {
    for (let i = 0; i < 8; i++) {
      expect((await call(a.app, 'GET', '/health/live')).status).toBe(200);
    }
  });

  if (store === 'redis') {
    it('shares the counters between replicas', async () => {
      const auth = { username: 'someone@example.com', password: 'x' };
      const statuses = [];
      for (const replica of [a, b, a, b, b]) {
        statuses.push(
          (await call(replica.app, 'POST', '/auth/validate', { body: { auth } })).status,
        );
      }
      expect(statuses).toEqual([401, 401, 401, 401, 429]);
    });

    it('keeps no credentials in its Redis keys', async () => {
      const entries = await keysUnder(redis as Redis, prefix);
      expect(entries.size).toBeGreaterThan(0);
      for (const key of entries.keys()) {
        expect(key).not.toContain('example.com');
      }
    });
  } else {
    it('counts per replica in memory', async () => {
      const auth = { username: 'someone@example.com', password: 'x' };
      for (let i = 0; i < 4; i++) await call(a.app, 'POST', '/auth/validate', { body: { auth } });
      expect((await call(b.app, 'POST', '/auth/validate', { body: { auth } })).status).toBe(401);
    });
  }
});

describe('rate limit off (RATE_LIMIT_MAX=0) and its order after the bridge token', () => {
  const off = useTestApp({ rateLimitMax: 0 });
  const guarded = useTestApp({ rateLimitMax: 1, bridgeToken: TOKEN });

  it('never answers 429 when off', async () => {
    for (let i = 0; i < 10; i++) {
      expect((await call(off.app, 'POST', '/agents/sync', { body: { auth: DEMO } })).status).toBe(
        200,
      );
    }
  });

  it('does not count calls refused for a missing token against the account', async () => {
    for (let i = 0; i < 3; i++) {
      expect(
        (await call(guarded.app, 'POST', '/agents/sync', { body: { auth: DEMO } })).status,
      ).toBe(401);
    }
    const headers = { 'x-bridge-token': TOKEN };
    expect(
      (await call(guarded.app, 'POST', '/agents/sync', { body: { auth: DEMO }, headers })).status,
    ).toBe(200);
    expect(
      (await call(guarded.app, 'POST', '/agents/sync', { body: { auth: DEMO }, headers })).status,
    ).toBe(429);
  });
});

describe('security headers and body limit', () => {
  const t = useTestApp({ bodyLimitBytes: 2048 });

  it('sends helmet headers on webhooks and docs', async () => {
    for (const res of [
      await call(t.app, 'POST', '/auth/validate', { body: validate }),
      await call(t.app, 'GET', '/docs'),
    ]) {
      expect(res.headers['x-content-type-options']).toBe('nosniff');
      expect(res.headers['x-frame-options']).toBe('SAMEORIGIN');
      expect(res.headers['strict-transport-security']).toContain('max-age=');
      expect(res.headers['content-security-policy']).toContain("default-src 'self'");
    }
  });

  it('has a CSP under which Swagger UI at /docs loads: same-origin scripts only, its inline styles allowed', async () => {
    const page = await call(t.app, 'GET', '/docs');
    const csp = String(page.headers['content-security-policy']);
    const directive = (name: string) =>
      csp
        .split(';')
        .map((d) => d.trim())
        .find((d) => d.startsWith(`${name} `)) ?? '';
    // Every script of the page is a same-origin file (script-src 'self' needs no inline allowance)...
    const html = String(page.body);
    const scripts = [...html.matchAll(/<script([^>]*)>([\s\S]*?)<\/script>/g)];
    expect(scripts.length).toBeGreaterThan(0);
    for (const [, attributes, inline] of scripts) {
      expect(attributes).toMatch(/src="\.\//);
      expect(inline.trim()).toBe('');
    }
    expect(directive('script-src')).toBe("script-src 'self'");
    // ...the page has inline <style> blocks, which style-src allows...
    expect(html).toContain('<style>');
    expect(directive('style-src')).toContain("'unsafe-inline'");
    // ...its icons are data: URIs, and it fetches its document from the same origin.
    expect(directive('img-src')).toContain('data:');
    expect(directive('connect-src')).toBe("connect-src 'self'");
    // No upgrade of sub-resources to https on a plain-http deployment.
    expect(csp).not.toContain('upgrade-insecure-requests');
    // The assets it names are served.
    for (const [, attributes] of scripts) {
      const src = /src="\.\/([^"]+)"/.exec(attributes)?.[1] as string;
      expect((await call(t.app, 'GET', `/${src}`)).status).toBe(200);
    }
  });

  it('lets Talkdesk show the logo from another origin', async () => {
    const logo = await call(t.app, 'GET', '/integration/logo.svg');
    expect(logo.headers['cross-origin-resource-policy']).toBe('cross-origin');
  });

  it('refuses a body over BODY_LIMIT_BYTES with 413 JSON', async () => {
    const res = await call(t.app, 'POST', '/contacts/sync', {
      body: { auth: DEMO, padding: 'x'.repeat(4096) },
    });
    expect(res.status).toBe(413);
    expect(res.body).toEqual({
      code: 'body_too_large',
      message: expect.any(String),
      request_id: expect.any(String),
    });
  });
});
