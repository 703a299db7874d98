import { numberText } from './number-text';

describe('numberText', () => {
  it('writes what String writes, for integers, fractions and the edge cases', () => {
    const values = [
      0,
      -0,
      1,
      -1,
      42,
      123456789,
      2 ** 31,
      -(2 ** 31) - 1,
      Number.MAX_SAFE_INTEGER,
      Number.MAX_SAFE_INTEGER + 2,
      -Number.MAX_SAFE_INTEGER,
      1e20,
      123456789012345680000,
      1e21,
      -1e21,
      1.5e21,
      Number.MAX_VALUE,
      1.5,
      -0.25,
      0.1 + 0.2,
      1e-7,
      5e-324,
      NaN,
      Infinity,
      -Infinity,
    ];
    for (const value of values) expect([value, numberText(value)]).toEqual([value, String(value)]);
  });

  it('agrees with String over a spread of integers of every magnitude', () => {
    for (let exponent = 0; exponent <= 21; exponent++) {
      for (const mantissa of [1, 3, 7, 9.999, 12.345, 99.9999]) {
        for (const value of [mantissa * 10 ** exponent, -mantissa * 10 ** exponent]) {
          const integer = Math.trunc(value);
          expect(numberText(integer)).toBe(String(integer));
          expect(numberText(value)).toBe(String(value));
        }
      }
    }
  });
});
