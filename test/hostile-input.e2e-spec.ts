import fc from 'fast-check';
import { ERROR_CODES } from '../src/talkdesk/contract/errors';
import { DEMO, useTestApp } from './support/test-app';

const POST_ENDPOINTS = [
  '/auth/validate',
  '/contacts/sync',
  '/agents/sync',
  '/interactions/retrieve',
  '/actions/create_ticket',
  '/actions/log_call',
  '/actions/create_contact',
  '/actions/no_such_action',
];
const GET_ENDPOINTS = ['/health/live', '/integration/configuration', '/integration/actions'];

/** JSON values whose object keys are often the ones used for prototype pollution. */
const pollutingJson = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    fc.jsonValue({ maxDepth: 2 }),
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(
      fc.oneof(
        fc.constantFrom('__proto__', 'constructor', 'prototype', 'auth', 'meta', 'data', 'offset'),
        fc.string({ maxLength: 8 }),
      ),
      tie('value'),
      { maxKeys: 5 },
    ),
  ),
})).value;

/** Requests shaped like Talkdesk's, with any values where Talkdesk puts its fields. */
const almostValid = fc.record(
  {
    auth: fc.oneof(fc.constant(DEMO), pollutingJson),
    meta: pollutingJson,
    data: pollutingJson,
  },
  { requiredKeys: ['auth'] },
);

describe('hostile input', () => {
  const prototypeBefore = Object.getOwnPropertyNames(Object.prototype).sort();

  const t = useTestApp();

  async function send(url: string, payload: string, contentType = 'application/json') {
    const res = await t.app.inject({
      method: 'POST',
      url,
      payload,
      headers: { 'content-type': contentType },
    });
    return res;
  }

  function expectClean(res: {
    statusCode: number;
    payload: string;
    headers: Record<string, unknown>;
  }) {
    expect(res.statusCode).toBeLessThan(500);
    if (res.statusCode >= 400) {
      const body = JSON.parse(res.payload);
      expect(ERROR_CODES).toContain(body.code);
      expect(typeof body.message).toBe('string');
      expect(body.request_id).toBe(res.headers['x-request-id']);
    }
  }

  it('arbitrary JSON bodies: never a 5xx, every error JSON with its request id', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...POST_ENDPOINTS), pollutingJson, async (url, body) => {
        expectClean(await send(url, JSON.stringify(body)));
      }),
      { numRuns: 300 },
    );
  });

  it('Talkdesk-shaped bodies with arbitrary values, valid credentials included: never a 5xx', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...POST_ENDPOINTS), almostValid, async (url, body) => {
        expectClean(await send(url, JSON.stringify(body)));
      }),
      { numRuns: 300 },
    );
  });

  it('arbitrary strings as JSON bodies, and under other content types: never a 5xx', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...POST_ENDPOINTS),
        fc.string({ maxLength: 200 }),
        fc.constantFrom(
          'application/json',
          'text/plain',
          'application/x-www-form-urlencoded',
          'application/octet-stream',
        ),
        async (url, payload, contentType) => {
          expectClean(await send(url, payload, contentType));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('arbitrary query strings and headers on GET endpoints: never a 5xx', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...GET_ENDPOINTS),
        fc.string({ maxLength: 50 }),
        fc.stringMatching(/^[\x21-\x7e]{0,40}$/),
        async (url, query, requestId) => {
          const res = await t.app.inject({
            method: 'GET',
            url: `${url}?q=${encodeURIComponent(query)}`,
            headers: { 'x-request-id': requestId },
          });
          expect(res.statusCode).toBeLessThan(500);
          expect(String(res.headers['x-request-id'])).toMatch(/^[A-Za-z0-9._-]{1,128}$/);
        },
      ),
      { numRuns: 100 },
    );
  });

  it('no prototype pollution', () => {
    expect(Object.getOwnPropertyNames(Object.prototype).sort()).toEqual(prototypeBefore);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('a __proto__ key is refused with a 400', async () => {
    const res = await send(
      '/contacts/sync',
      `{"auth":{"username":"a","password":"b"},"__proto__":{"polluted":true}}`,
    );
    expect(res.statusCode).toBe(400);
    expectClean(res);
    expect(JSON.parse(res.payload).code).toBe('json_malformed');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it.each([
    ['arrays', '['.repeat(10_000) + ']'.repeat(10_000)],
    ['objects', '{"a":'.repeat(10_000) + '1' + '}'.repeat(10_000)],
    [
      'inside auth',
      `{"auth":{"username":"demo@example.com","password":"demo","x":${'['.repeat(10_000)}${']'.repeat(10_000)}}}`,
    ],
  ])('a body nested 10,000 levels deep (%s) is refused with a 400', async (_what, payload) => {
    for (const url of POST_ENDPOINTS) {
      const res = await send(url, payload);
      expect(res.statusCode).toBe(400);
      expect(JSON.parse(res.payload).message).toMatch(/nested deeper than 32 levels/);
      expect(JSON.parse(res.payload).code).toBe('json_too_deep');
    }
  });

  it('brackets inside strings do not count as nesting', async () => {
    const res = await send(
      '/agents/sync',
      JSON.stringify({ auth: DEMO, meta: { offset: null }, note: '['.repeat(10_000) + '\\"{' }),
    );
    expect(res.statusCode).toBe(200);
  });

  it('a body over the limit is refused with a 413, a large one within it is served', async () => {
    const huge = JSON.stringify({
      auth: DEMO,
      data: { blob: 'x'.repeat(t.config.bodyLimitBytes) },
    });
    const refused = await send('/contacts/sync', huge);
    expect(refused.statusCode).toBe(413);
    expectClean(refused);
    expect(JSON.parse(refused.payload).code).toBe('body_too_large');
    const big = JSON.stringify({
      auth: DEMO,
      meta: { interaction_types: Array.from({ length: 20_000 }, (_, i) => `type${i}`) },
      data: { contact_emails: Array.from({ length: 5_000 }, (_, i) => `p${i}@example.com`) },
    });
    expect(big.length).toBeLessThan(t.config.bodyLimitBytes);
    const served = await send('/interactions/retrieve', big);
    expect(served.statusCode).toBe(200);
  });
});
