import jsonata from 'jsonata';
import { seededRandom } from '../../../common/seeded-random';
import { DEFERRED, Expression } from './expression';
import { compileExpression } from './expression-compiler';

/** The expressions compiled to plain functions; each must answer exactly what JSONata answers. */
const COMPILED = [
  '$append(email, secondary_emails)',
  "user_fields.tier ? [{ 'key': 'Tier', 'value': user_fields.tier }] : []",
  "$join([first_name, last_name], ' ')",
  '$join([first_name, last_name])',
  "$join(secondary_emails, ', ')",
  "$join(first_name, '-')",
  "first_name & ' ' & last_name",
  'user_fields.tier & organization.name',
  'organization.name',
  'a.b.c',
  'list.name',
  "$join(list.name, ',')",
  '$append(list, email)',
  '$append(n, flag)',
  '[email, secondary_emails]',
  '[[email], secondary_emails, []]',
  "{ 'k': first_name, 'n': n, '1': flag }",
  "flag ? 'yes' : 'no'",
  'n ? n',
  "email ? email : 'none'",
  "secondary_emails ? 'some' : 'none'",
  'user_fields ? 1 : 0',
  "'text'",
  '42',
  'true',
  'null',
  '[]',
];

/** Expressions with constructs that are left to JSONata. */
const NOT_COMPILED = [
  '$uppercase(first_name)',
  'secondary_emails[0]',
  "list[name = 'x']",
  'n + 1',
  '$string(n)',
  '$join([first_name, last_name], sep)',
  "{ 'a': 1, 'a': 2 }",
  '$.first_name',
  'first_name = last_name',
  '$auth.subdomain',
  "list.{ 'n': name }",
];

const pick = <T>(rng: () => number, items: readonly T[]): T =>
  items[Math.floor(rng() * items.length)];

/** A value of any JSON type, mostly small, sometimes missing. */
function value(rng: () => number, depth = 0): unknown {
  switch (Math.floor(rng() * (depth > 1 ? 7 : 10))) {
    case 0:
      return undefined;
    case 1:
      return null;
    case 2:
      return pick(rng, ['', ' ', 'Ada', 'Lovelace', 'ünï', '0']);
    case 3:
      return pick(rng, [0, 1, -2.5, 1e21, 0.1 + 0.2]);
    case 4:
      return rng() < 0.5;
    case 5:
    case 6:
      return `text ${Math.floor(rng() * 100)}`;
    case 7:
      return Array.from({ length: Math.floor(rng() * 4) }, () => value(rng, depth + 1));
    case 8:
      return Array.from({ length: Math.floor(rng() * 3) }, () => pick(rng, ['a@x.test', 'b']));
    default:
      return { name: value(rng, depth + 1), tier: value(rng, depth + 1), b: { c: value(rng, 2) } };
  }
}

function record(rng: () => number): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of [
    'first_name',
    'last_name',
    'email',
    'secondary_emails',
    'user_fields',
    'organization',
    'list',
    'a',
    'n',
    'flag',
  ]) {
    const v = value(rng);
    if (v !== undefined) out[key] = v;
  }
  return out;
}

/** A result as text, keys in order (the order is part of the output). */
const shown = (v: unknown) => (v === undefined ? '(undefined)' : JSON.stringify(v));

async function jsonataAnswer(expression: jsonata.Expression, input: unknown): Promise<string> {
  try {
    return shown(await expression.evaluate(input));
  } catch (error) {
    return `error ${(error as { code?: string }).code}`;
  }
}

describe('compileExpression', () => {
  it('compiles the kinds it mirrors, and nothing else', () => {
    for (const source of COMPILED)
      expect([source, !!compileExpression(jsonata(source).ast())]).toEqual([source, true]);
    for (const source of NOT_COMPILED) {
      expect([source, !!compileExpression(jsonata(source).ast())]).toEqual([source, false]);
    }
  });

  it('answers what JSONata answers, or defers to it, over 2,000 generated records', async () => {
    const rng = seededRandom(7);
    const records = Array.from({ length: 2000 }, () => record(rng));
    const differences: string[] = [];
    let answered = 0;
    let deferred = 0;
    for (const source of COMPILED) {
      const reference = jsonata(source);
      const compiled = compileExpression(reference.ast())!;
      for (const input of records) {
        const got = compiled(input, {});
        if (got === DEFERRED) {
          deferred++;
          continue;
        }
        answered++;
        const want = await jsonataAnswer(reference, input);
        if (shown(got) !== want && differences.length < 20) {
          differences.push(`${source} on ${JSON.stringify(input)}: ${shown(got)} ≠ ${want}`);
        }
      }
    }
    expect(differences).toEqual([]);
    // The records are made to be awkward; still, most are answered directly.
    expect(answered).toBeGreaterThan(deferred);
  });

  it('defers for a list as input and for a binding that shadows a function', () => {
    const append = compileExpression(jsonata('$append(a, b)').ast())!;
    expect(append([{ a: 1 }], {})).toBe(DEFERRED);
    expect(append({ a: 1, b: 2 }, { append: 'x' })).toBe(DEFERRED);
    expect(append({ a: 1, b: 2 }, { auth: {} })).toEqual([1, 2]);
  });
});

describe('Expression with a compiled form', () => {
  it('answers at once, and evaluate() gives the same value', async () => {
    const expression = new Expression('$append(email, secondary_emails)', 100);
    const input = { email: 'a@x.test', secondary_emails: ['b@x.test'] };
    expect(expression.evaluateNow(input)).toEqual(['a@x.test', 'b@x.test']);
    await expect(expression.evaluate(input)).resolves.toEqual(['a@x.test', 'b@x.test']);
  });

  it('defers what it does not mirror, which JSONata then evaluates (errors included)', async () => {
    const expression = new Expression("$join([first_name, last_name], ' ')", 100);
    const input = { first_name: 'Ada', last_name: 7 };
    expect(expression.evaluateNow(input)).toBe(DEFERRED);
    await expect(expression.evaluate(input)).rejects.toThrow(/T0412/);
  });
});
