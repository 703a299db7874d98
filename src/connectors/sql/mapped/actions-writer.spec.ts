import { bindable } from './actions-writer';

describe('values bound into actions', () => {
  it('keeps text, numbers and booleans; NULL for nothing; JSON text for lists and objects', () => {
    expect(bindable("x'); DROP TABLE t; --")).toBe("x'); DROP TABLE t; --");
    expect(bindable(12)).toBe(12);
    expect(bindable(true)).toBe(true);
    expect(bindable(undefined)).toBeNull();
    expect(bindable(null)).toBeNull();
    expect(bindable(Number.NaN)).toBeNull();
    // mysql2 would expand these into SQL of its own (`a = 1`, `'x', 'y'`).
    expect(bindable({ a: 1 })).toBe('{"a":1}');
    expect(bindable(['x', 'y'])).toBe('["x","y"]');
  });
});
