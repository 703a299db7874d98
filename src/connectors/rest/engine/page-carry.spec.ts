import { PageCarry } from './page-carry';

describe('PageCarry', () => {
  let now = 0;
  const carry = () => new PageCarry<string>(1000, 100, () => now);

  beforeEach(() => (now = 0));

  it('hands an entry back to its own account only, by id and page key, until it expires', () => {
    const c = carry();
    const id = c.keep('acct-1', [['p2', 'page two']], 10)!;
    expect(c.take('acct-1', id, 'p2')).toBe('page two');
    // Taken again (a retried request): still there.
    expect(c.take('acct-1', id, 'p2')).toBe('page two');
    expect(c.take('acct-2', id, 'p2')).toBeUndefined();
    expect(c.take('acct-1', id, 'p3')).toBeUndefined();
    expect(c.take('acct-1', 'not-an-id', 'p2')).toBeUndefined();
    expect(c.take('acct-1', 42, 'p2')).toBeUndefined();
    now = 100;
    expect(c.take('acct-1', id, 'p2')).toBeUndefined();
  });

  it('drops the entry a batch started from, and the oldest past the size bound', () => {
    const c = carry();
    const first = c.keep('a', [['p', 'one']], 250)!;
    const second = c.keep('a', [['p', 'two']], 250, first)!;
    expect(c.take('a', first, 'p')).toBeUndefined();
    const later = ['three', 'four', 'five', 'six'].map((v) => c.keep('b', [['p', v]], 250)!);
    // 5 × 250 > 1000: the oldest (second) went first.
    expect(c.take('a', second, 'p')).toBeUndefined();
    expect(later.map((id) => c.take('b', id, 'p'))).toEqual(['three', 'four', 'five', 'six']);
  });

  it('keeps nothing empty or above a quarter of the bound', () => {
    const c = carry();
    expect(c.keep('a', [], 1)).toBeUndefined();
    expect(c.keep('a', [['p', 'big']], 251)).toBeUndefined();
  });
});
