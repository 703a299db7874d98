import fc from 'fast-check';
import { encodeToken } from '../talkdesk/token-codec';
import {
  decodeCheckpoint,
  decodeContext,
  decodeOffset,
  encodeCheckpoint,
  encodeContext,
  encodeOffset,
} from './contact-sync-tokens';
import { TEST_TOKENS } from '../../test/support/test-service';

const position = fc.record({
  updatedAt: fc.integer({ min: 0, max: 2 ** 48 }),
  id: fc.string({ minLength: 1, maxLength: 40 }),
});

/** Tokens of the right kind and version whose payload is anything at all. */
const forged = (kind: string) =>
  fc
    .dictionary(
      fc.constantFrom('after', 'at', 'until', 'since', 'checkpoint', '__proto__', 'u', 'i'),
      fc.jsonValue(),
    )
    .map((payload) => encodeToken(TEST_TOKENS, kind, payload));

describe('contact sync tokens under hostile input', () => {
  const before = Object.getOwnPropertyNames(Object.prototype).sort();
  afterAll(() => expect(Object.getOwnPropertyNames(Object.prototype).sort()).toEqual(before));

  it('decoders never throw on anything, forged tokens included, and only return well-formed values', () => {
    const input = fc.oneof(
      fc.anything(),
      fc.string({ maxLength: 5000 }),
      forged('contacts.offset'),
      forged('contacts.checkpoint'),
      forged('contacts.context'),
    );
    const wellFormed = (p: unknown) =>
      p === null ||
      (typeof p === 'object' &&
        Number.isFinite((p as { updatedAt: number }).updatedAt) &&
        typeof (p as { id: string }).id === 'string');
    fc.assert(
      fc.property(input, (token) => {
        expect(wellFormed(decodeOffset(TEST_TOKENS, token))).toBe(true);
        expect(wellFormed(decodeCheckpoint(TEST_TOKENS, token))).toBe(true);
        const run = decodeContext(TEST_TOKENS, token);
        expect(run === null || Number.isFinite(run.until)).toBe(true);
        if (run?.checkpoint) expect(wellFormed(run.checkpoint)).toBe(true);
      }),
      { numRuns: 1000 },
    );
  });

  it('round-trips positions and runs', () => {
    fc.assert(
      fc.property(position, fc.integer({ min: 0, max: 2 ** 48 }), (p, until) => {
        expect(decodeOffset(TEST_TOKENS, encodeOffset(TEST_TOKENS, p))).toEqual(p);
        const checkpoint = { ...p, readTo: until };
        expect(decodeCheckpoint(TEST_TOKENS, encodeCheckpoint(TEST_TOKENS, checkpoint))).toEqual(
          checkpoint,
        );
        expect(decodeCheckpoint(TEST_TOKENS, encodeCheckpoint(TEST_TOKENS, p))).toEqual({
          ...p,
          readTo: p.updatedAt,
        });
        expect(
          decodeContext(
            TEST_TOKENS,
            encodeContext(TEST_TOKENS, { until, since: until - 5, checkpoint }),
          ),
        ).toEqual({
          until,
          since: until - 5,
          checkpoint,
        });
        // Tokens of one kind are never read as another.
        expect(decodeCheckpoint(TEST_TOKENS, encodeOffset(TEST_TOKENS, p))).toBeNull();
        expect(decodeOffset(TEST_TOKENS, encodeCheckpoint(TEST_TOKENS, p))).toBeNull();
      }),
    );
  });
});
