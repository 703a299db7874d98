import { FreshdeskContact } from './fake-freshdesk-data';

/**
 * The query language of Freshdesk's "Filter Contacts" (`GET /api/v2/search/contacts?query=`):
 * the whole query in double quotes, at most 512 characters; `field:value` terms joined by `AND`
 * / `OR` with parentheses; strings in single quotes; dates as `'yyyy-mm-dd'` with `:>` (on or
 * after) and `:<` (on or before); integers, `true`, `false`, `null`. Only the documented contact
 * fields are accepted. Nothing escapes a quote inside a string.
 */

export class QueryError extends Error {
  constructor(
    readonly field: string,
    message: string,
    readonly code: 'invalid_value' | 'invalid_field' = 'invalid_value',
  ) {
    super(message);
  }
}

type Value = string | number | boolean | null;
type Node =
  | { op: 'and' | 'or'; left: Node; right: Node }
  | { op: 'term'; field: string; cmp: ':' | ':>' | ':<'; value: Value };

const FIELDS = new Set([
  'active',
  'company_id',
  'created_at',
  'email',
  'language',
  'mobile',
  'phone',
  'time_zone',
  'twitter_id',
  'updated_at',
]);
const DATES = new Set(['created_at', 'updated_at']);

const TOKEN =
  /\s*(?:(\()|(\))|(AND|OR)\b|([a-z_]+)(:>|:<|:)\s*(?:'([^']*)'|(-?\d+)\b|(true|false|null)\b))/y;

export function parseContactQuery(raw: string): (c: FreshdeskContact) => boolean {
  if (raw.length > 512 + 2) throw new QueryError('query', 'It should not exceed 512 characters');
  if (raw.length < 2 || !raw.startsWith('"') || !raw.endsWith('"')) {
    throw new QueryError('query', 'It should be enclosed in double quotes');
  }
  const text = raw.slice(1, -1);
  const tokens: RegExpExecArray[] = [];
  TOKEN.lastIndex = 0;
  while (TOKEN.lastIndex < text.length && text.slice(TOKEN.lastIndex).trim()) {
    const m = TOKEN.exec(text);
    if (!m)
      throw new QueryError(
        'query',
        `Invalid query near "${text.slice(TOKEN.lastIndex, TOKEN.lastIndex + 20)}"`,
      );
    tokens.push(m);
  }
  let at = 0;
  const or = (): Node => {
    let left = and();
    while (tokens[at]?.[3] === 'OR') {
      at++;
      left = { op: 'or', left, right: and() };
    }
    return left;
  };
  const and = (): Node => {
    let left = primary();
    while (tokens[at]?.[3] === 'AND') {
      at++;
      left = { op: 'and', left, right: primary() };
    }
    return left;
  };
  const primary = (): Node => {
    const t = tokens[at++];
    if (!t) throw new QueryError('query', 'Invalid query: a condition is missing');
    if (t[1]) {
      const inner = or();
      if (!tokens[at++]?.[2]) throw new QueryError('query', 'Invalid query: ( without )');
      return inner;
    }
    if (!t[4]) throw new QueryError('query', 'Invalid query');
    const field = t[4];
    if (!FIELDS.has(field))
      throw new QueryError(field, `${field} is not a valid field`, 'invalid_field');
    const value: Value =
      t[6] !== undefined
        ? t[6]
        : t[7] !== undefined
          ? Number(t[7])
          : t[8] === 'null'
            ? null
            : t[8] === 'true';
    const cmp = t[5] as ':' | ':>' | ':<';
    if (DATES.has(field) && (typeof value !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(value))) {
      throw new QueryError(field, "It should be in the 'yyyy-mm-dd' format");
    }
    return { op: 'term', field, cmp, value };
  };
  const tree = or();
  if (at !== tokens.length) throw new QueryError('query', 'Invalid query');
  return (c) => evaluate(tree, c);
}

function evaluate(node: Node, c: FreshdeskContact): boolean {
  if (node.op !== 'term') {
    return node.op === 'and'
      ? evaluate(node.left, c) && evaluate(node.right, c)
      : evaluate(node.left, c) || evaluate(node.right, c);
  }
  if (DATES.has(node.field)) {
    const at = node.field === 'updated_at' ? c.updated_s : c.created_s;
    const day = Date.parse(`${String(node.value)}T00:00:00Z`) / 1000;
    if (node.cmp === ':>') return at >= day;
    if (node.cmp === ':<') return at < day + 86_400;
    return at >= day && at < day + 86_400;
  }
  const actual: Value[] =
    node.field === 'email'
      ? [c.email, ...c.other_emails]
      : node.field === 'phone'
        ? [c.phone]
        : node.field === 'mobile'
          ? [c.mobile]
          : node.field === 'company_id'
            ? [c.company_id]
            : node.field === 'active'
              ? [c.email !== null]
              : [null];
  const wanted = typeof node.value === 'string' ? node.value.toLowerCase() : node.value;
  return actual.some((a) => (typeof a === 'string' ? a.toLowerCase() : a) === wanted);
}
