import fc from 'fast-check';
import { decodeToken, encodeToken } from './token-codec';

const anyPayload = (v: Record<string, unknown>) => typeof v === 'object';
const base64urlOf = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

describe('token codec under hostile input', () => {
  const before = Object.getOwnPropertyNames(Object.prototype).sort();
  afterAll(() => expect(Object.getOwnPropertyNames(Object.prototype).sort()).toEqual(before));

  it('decoding any value never throws, and gives null or an object of the right kind', () => {
    fc.assert(
      fc.property(fc.anything(), (value) => {
        const decoded = decodeToken<Record<string, unknown>>('k', value, anyPayload);
        expect(decoded === null || (decoded.k === 'k' && typeof decoded === 'object')).toBe(true);
      }),
      { numRuns: 500 },
    );
  });

  it('decoding any string, or the base64url of any JSON, never throws', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string({ maxLength: 6000 }),
          fc.jsonValue().map(base64urlOf),
          fc
            .dictionary(
              fc.constantFrom('__proto__', 'constructor', 'prototype', 'k', 'v'),
              fc.jsonValue(),
            )
            .map(base64urlOf),
        ),
        (token) => {
          const decoded = decodeToken('k', token, anyPayload);
          expect(decoded === null || typeof decoded === 'object').toBe(true);
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
          const decoded = decodeToken<Record<string, unknown>>(
            'kind',
            encodeToken('kind', payload),
            anyPayload,
          );
          if (encodeToken('kind', payload).length > 4096) return;
          expect(decoded).toEqual(JSON.parse(JSON.stringify({ k: 'kind', v: 1, ...payload })));
        },
      ),
      { numRuns: 200 },
    );
  });
});
