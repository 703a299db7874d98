import fc from 'fast-check';
import { compareIds } from './resume';

/** The order ids had when digit strings were compared as BigInts. */
function byValue(a: string, b: string): number {
  if (/^\d+$/.test(a) && /^\d+$/.test(b)) {
    const x = BigInt(a);
    const y = BigInt(b);
    return x < y ? -1 : x > y ? 1 : 0;
  }
  return a < b ? -1 : a > b ? 1 : 0;
}

describe('compareIds', () => {
  it('orders digit strings by value and other ids as text', () => {
    expect(compareIds('9', '10')).toBe(-1);
    expect(compareIds('0010', '9')).toBe(1);
    expect(compareIds('007', '7')).toBe(0);
    expect(compareIds('000', '')).toBe(1);
    expect(compareIds('12345678901234567890123', '12345678901234567890124')).toBe(-1);
    expect(compareIds('9', 'a')).toBe(-1);
    expect(compareIds('10', '9a')).toBe(-1);
    expect(compareIds('١٢', '12')).toBe(1);
  });

  it('answers what comparing the values as BigInts answers', () => {
    const digits = fc.string({ unit: fc.constantFrom('0', '0', '1', '5', '9'), maxLength: 30 });
    const id = fc.oneof(
      digits,
      digits.map((d) => `0${d}`),
      fc.string({ unit: fc.constantFrom('0', '1', '9', 'a', '-', ' ', '٣'), maxLength: 6 }),
    );
    fc.assert(
      fc.property(id, id, (a, b) => {
        expect(compareIds(a, b)).toBe(byValue(a, b));
      }),
      { numRuns: 50_000 },
    );
  });
});
