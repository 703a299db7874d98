import { formatRetryAfter, parseRetryAfter } from './retry-after';

describe('parseRetryAfter', () => {
  const now = Date.UTC(2015, 9, 21, 7, 28, 0);

  it('reads delta-seconds', () => {
    expect(parseRetryAfter('120', now)).toBe(120_000);
    expect(parseRetryAfter(' 0 ', now)).toBe(0);
    expect(parseRetryAfter(['3', '9'], now)).toBe(3000);
  });

  it('reads an HTTP date relative to now, never negative', () => {
    expect(parseRetryAfter('Wed, 21 Oct 2015 07:28:30 GMT', now)).toBe(30_000);
    expect(parseRetryAfter('Wed, 21 Oct 2015 07:00:00 GMT', now)).toBe(0);
  });

  it('ignores what it cannot read', () => {
    for (const value of [undefined, null, '', '-5', '1.5', 'soon', '99999999999999999999']) {
      expect(parseRetryAfter(value, now)).toBeUndefined();
    }
  });

  it('formats whole seconds, at least 1', () => {
    expect(formatRetryAfter(0)).toBe('1');
    expect(formatRetryAfter(1001)).toBe('2');
    expect(formatRetryAfter(10_000)).toBe('10');
  });
});
