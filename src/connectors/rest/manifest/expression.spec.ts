import {
  Expression,
  ExpressionError,
  ExpressionTimeoutError,
  MAX_EXPRESSION_LENGTH,
} from './expression';

describe('JSONata expressions of manifests', () => {
  const before = Object.getOwnPropertyNames(Object.prototype).sort();
  afterAll(() => expect(Object.getOwnPropertyNames(Object.prototype).sort()).toEqual(before));

  it('compute fields from the record and the bindings', async () => {
    const e = new Expression("$join([first, last], ' ') & ' (' & $auth.subdomain & ')'", 100);
    await expect(
      e.evaluate({ first: 'Ada', last: 'Lovelace' }, { auth: { subdomain: 'acme' } }),
    ).resolves.toBe('Ada Lovelace (acme)');
    const list = new Expression('$append(email, others)', 100);
    await expect(list.evaluate({ email: 'a@x', others: ['b@x'] })).resolves.toEqual(['a@x', 'b@x']);
  });

  it('cannot reach the host: no constructors, prototypes, process or functions out', async () => {
    const attempts = [
      'a.constructor',
      '$.constructor.constructor("return process")()',
      '$lookup($, "__proto__")',
      'a["prototype"]',
      '$eval("1 + 1")',
    ];
    for (const source of attempts) {
      expect(() => new Expression(source, 100)).toThrow(ExpressionError);
    }
    // Functions are not data: a lambda comes out as nothing.
    await expect(new Expression('function($x) { $x }', 100).evaluate({})).resolves.toBeUndefined();
    // Nothing of the host is visible under other names either.
    await expect(new Expression('$keys($)', 100).evaluate({})).resolves.toBeUndefined();
    await expect(new Expression('process', 100).evaluate({})).resolves.toBeUndefined();
    await expect(new Expression('$string(require)', 100).evaluate({})).resolves.toBeUndefined();
  });

  it('stops an endless expression at its time limit', async () => {
    const endless = new Expression('($f := function($x) { $f($x) }; $f(1))', 50);
    await expect(endless.evaluate({})).rejects.toThrow(/ran longer than allowed/);
    await expect(endless.evaluate({})).rejects.toThrow(ExpressionTimeoutError);
    const deep = new Expression('[1..10000000].($ * 2) ~> $count()', 50);
    await expect(deep.evaluate({})).rejects.toThrow(ExpressionError);
  });

  it('refuses regular expressions that can backtrack exponentially, and oversized expressions', () => {
    expect(() => new Expression('$match(a, /(x+)+y/)', 100)).toThrow(/nests quantifiers/);
    expect(() => new Expression('$match(a, /(a|b*)*/)', 100)).toThrow(/nests quantifiers/);
    expect(() => new Expression('$match(a, /^[a-z]+@[a-z.]+$/)', 100)).not.toThrow();
    expect(() => new Expression(`"${'x'.repeat(MAX_EXPRESSION_LENGTH)}"`, 100)).toThrow(/at most/);
  });

  it('reports syntax errors with the expression', () => {
    expect(() => new Expression('a +', 100)).toThrow(/does not parse/);
  });
});
