import fc from 'fast-check';
import { decodeToken, encodeToken, TokenSigner } from './token-codec';

const anyPayload = (v: Record<string, unknown>) => typeof v === 'object';
const base64urlOf = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

const SECRET = 'a'.repeat(32);
const OTHER_SECRET = 'b'.repeat(32);
const scope = new TokenSigner(SECRET).forAccount('sql:1');

/** The token with its body replaced by `json`, keeping the mac. */
const withBody = (token: string, json: unknown) => `${base64urlOf(json)}.${token.split('.')[1]}`;

describe('token codec under hostile input', () => {
  const before = Object.getOwnPropertyNames(Object.prototype).sort();
  afterAll(() => expect(Object.getOwnPropertyNames(Object.prototype).sort()).toEqual(before));

  it('decoding any value never throws, and gives null or an object of the right kind', () => {
    fc.assert(
      fc.property(fc.anything(), (value) => {
        const decoded = decodeToken<Record<string, unknown>>(scope, 'k', value, anyPayload);
        expect(decoded === null || (decoded.k === 'k' && typeof decoded === 'object')).toBe(true);
      }),
      { numRuns: 500 },
    );
  });

  it('decoding any string, or the base64url of any JSON, signed or not, never throws', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string({ maxLength: 6000 }),
          fc.jsonValue().map(base64urlOf),
          fc.jsonValue().map((json) => scope.seal(base64urlOf(json))),
          fc
            .dictionary(
              fc.constantFrom('__proto__', 'constructor', 'prototype', 'k', 'v'),
              fc.jsonValue(),
            )
            .map((json) => scope.seal(base64urlOf(json))),
        ),
        (token) => {
          const decoded = decodeToken(scope, 'k', token, anyPayload);
          expect(decoded === null || typeof decoded === 'object').toBe(true);
          expect(['current', 'previous', 'unsigned', 'forged', 'unreadable']).toContain(
            scope.check(token),
          );
        },
      ),
      { numRuns: 500 },
    );
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('round-trips what it encodes', () => {
    fc.assert(
      fc.property(
        fc.dictionary(
          fc.string().filter((k) => k !== 'k' && k !== 'v' && k !== '__proto__'),
          fc.jsonValue(),
        ),
        (payload) => {
          const token = encodeToken(scope, 'kind', payload);
          if (token.length > 4096) return;
          const decoded = decodeToken<Record<string, unknown>>(scope, 'kind', token, anyPayload);
          expect(decoded).toEqual(JSON.parse(JSON.stringify({ k: 'kind', v: 1, ...payload })));
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe('signed tokens', () => {
  const token = encodeToken(scope, 'kind', { url: 'https://api.example.com/contacts?page=2' });

  it('verify with the secret and for the account they were issued to', () => {
    expect(scope.check(token)).toBe('current');
    expect(decodeToken(scope, 'kind', token, anyPayload)).toMatchObject({
      url: 'https://api.example.com/contacts?page=2',
    });
  });

  it('refuse an edited body: any payload under the original mac', () => {
    const edited = withBody(token, { k: 'kind', v: 1, url: 'http://127.0.0.1:9/steal' });

    expect(scope.check(edited)).toBe('forged');
    expect(decodeToken(scope, 'kind', edited, anyPayload)).toBeNull();
  });

  it('refuse every single-character change of the body or of the mac', () => {
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    const accepted: string[] = [];
    for (let at = 0; at < token.length; at++) {
      if (token[at] === '.') continue;
      const changed = alphabet[(alphabet.indexOf(token[at]) + 1) % alphabet.length];
      const edited = token.slice(0, at) + changed + token.slice(at + 1);
      // The last character of base64url carries unused bits: a change there may decode alike.
      const bytes = (t: string) => t.split('.').map((part) => Buffer.from(part, 'base64url'));
      if (bytes(edited).every((part, i) => part.equals(bytes(token)[i]))) continue;
      if (decodeToken(scope, 'kind', edited, anyPayload) !== null) accepted.push(edited);
    }
    expect(accepted).toEqual([]);
  });

  it('refuse a token issued to another account', () => {
    const other = new TokenSigner(SECRET).forAccount('sql:2');

    expect(other.check(token)).toBe('forged');
    expect(decodeToken(other, 'kind', token, anyPayload)).toBeNull();
  });

  it('refuse a token signed with another secret, or without a mac', () => {
    const foreign = new TokenSigner(OTHER_SECRET).forAccount('sql:1');

    expect(foreign.check(token)).toBe('forged');
    expect(scope.check(`${token.split('.')[0]}.`)).toBe('unreadable');
    expect(scope.check(`${token}.x`)).toBe('unreadable');
  });

  it('tell the unsigned tokens of earlier versions apart', () => {
    const unsigned = token.split('.')[0];

    expect(scope.check(unsigned)).toBe('unsigned');
    expect(decodeToken(scope, 'kind', unsigned, anyPayload)).toBeNull();
    expect(scope.check('2')).toBe('unreadable');
  });

  it('accept the previous secret during a rotation, and sign with the new one', () => {
    const rotated = new TokenSigner(OTHER_SECRET, [SECRET]).forAccount('sql:1');

    expect(rotated.check(token)).toBe('previous');
    expect(decodeToken(rotated, 'kind', token, anyPayload)).not.toBeNull();
    const fresh = encodeToken(rotated, 'kind', { n: 1 });
    expect(rotated.check(fresh)).toBe('current');
    // Once the rotation is over, the old tokens no longer verify.
    expect(new TokenSigner(OTHER_SECRET).forAccount('sql:1').check(token)).toBe('forged');
  });

  it('binds the account unambiguously: keys that concatenate alike do not verify for each other', () => {
    const a = new TokenSigner(SECRET).forAccount('ab');
    const b = new TokenSigner(SECRET).forAccount('a');
    const sealedForA = a.seal('b' + base64urlOf({ k: 'kind' }));

    expect(b.check(sealedForA)).toBe('forged');
  });
  it('answer each token by its own signature, whatever was checked before', () => {
    const edited = withBody(token, { k: 'kind', v: 1, url: 'http://127.0.0.1:9/steal' });
    const other = encodeToken(scope, 'kind', { n: 2 });
    const answers = [token, edited, edited, other, token, `${token.split('.')[0]}.`, token].map(
      (t) => scope.check(t),
    );

    expect(answers).toEqual([
      'current',
      'forged',
      'forged',
      'current',
      'current',
      'unreadable',
      'current',
    ]);
    expect(new TokenSigner(OTHER_SECRET).forAccount('sql:1').check(token)).toBe('forged');
  });
});
