import { parseQuery, Query } from '@jetstreamapp/soql-parser-js';

/**
 * SOQL as the Salesforce stand-in runs it: parsed with a SOQL parser, then evaluated over the
 * stand-in's records, answering Salesforce's errors (SOQL and SOSL Reference; REST API Developer
 * Guide, "Status Codes and Error Responses").
 */

export type SObject = Record<string, unknown> & { Id: string };

/** A SOQL error Salesforce answers 400 with: `[{ message, errorCode }]`. */
export class SoqlError extends Error {
  constructor(
    readonly errorCode:
      'MALFORMED_QUERY' | 'INVALID_FIELD' | 'INVALID_TYPE' | 'INVALID_QUERY_FILTER_OPERATOR',
    message: string,
  ) {
    super(message);
  }
}

export interface SoqlSchema {
  /** Fields of each sObject the org has; relationship fields map to the related sObject. */
  fields: Record<string, { fields: string[]; relationships: Record<string, string> }>;
  /** Date-time fields ("Date Formats and Date Literals": unquoted, second precision). */
  dateTimes: Set<string>;
}

export interface ParsedSoql {
  sObject: string;
  fields: string[];
  filter: (r: SObject) => boolean;
  order: (a: SObject, b: SObject) => number;
  limit?: number;
  offset?: number;
}

type Token = '(' | ')' | 'AND' | 'OR' | 'NOT' | Condition;
interface Condition {
  field: string;
  operator: string;
  literalType?: string | string[];
  value?: string | string[];
}

/**
 * "Quoted String Escape Sequences": `\'`, `\"`, `\\`, `\n`, `\r`, `\t`, `\b`, `\f`, `\uXXXX`;
 * `\_` and `\%` stand for themselves only inside LIKE. Any other backslash is an error.
 */
function unquote(raw: string, like: boolean): string {
  const body = raw.slice(1, -1);
  return body.replace(/\\(u[0-9a-fA-F]{4}|.)/g, (_m, c: string) => {
    const map: Record<string, string> = {
      n: '\n',
      r: '\r',
      t: '\t',
      b: '\b',
      f: '\f',
      "'": "'",
      '"': '"',
      '\\': '\\',
    };
    if (c in map) return map[c];
    if (c.startsWith('u')) return String.fromCharCode(parseInt(c.slice(1), 16));
    if (like && (c === '_' || c === '%')) return `\\${c}`;
    throw new SoqlError(
      'MALFORMED_QUERY',
      `Invalid string literal '${raw}'. Illegal character sequence '\\${c}' in string literal.`,
    );
  });
}

/** LIKE: `%` any run, `_` one character, case-insensitive ("Comparison Operators"). */
function likeToRegExp(pattern: string): RegExp {
  let source = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '\\' && (pattern[i + 1] === '_' || pattern[i + 1] === '%')) source += pattern[++i];
    else if (c === '%') source += '[\\s\\S]*';
    else if (c === '_') source += '[\\s\\S]';
    else source += c.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${source}$`, 'i');
}

function flatten(node: any, out: Token[]): void {
  if (!node) return;
  if (node.left === null && node.operator === 'NOT') {
    out.push('NOT');
    return flatten(node.right, out);
  }
  const left = node.left;
  for (let i = 0; i < (left.openParen ?? 0); i++) out.push('(');
  out.push({
    field: left.field,
    operator: left.operator,
    literalType: left.literalType,
    value: left.value,
  });
  for (let i = 0; i < (left.closeParen ?? 0); i++) out.push(')');
  if (node.operator) out.push(node.operator);
  flatten(node.right, out);
}

export function parseSoql(text: string, schema: SoqlSchema): ParsedSoql {
  let query: Query;
  try {
    query = parseQuery(text) as Query;
  } catch (error) {
    throw new SoqlError(
      'MALFORMED_QUERY',
      `\n${text}\n^\nERROR at Row:1:Column:1\n${(error as Error).message}`,
    );
  }
  const sObject = query.sObject ?? '';
  const entity = schema.fields[sObject];
  if (!entity) {
    throw new SoqlError(
      'INVALID_TYPE',
      `\n${text}\n^\nERROR at Row:1:Column:1\nsObject type '${sObject}' is not supported.`,
    );
  }
  const known = (path: string): boolean => {
    const [head, tail] = path.split('.');
    if (tail === undefined) return entity.fields.includes(head);
    const related = entity.relationships[head];
    return !!related && !!schema.fields[related]?.fields.includes(tail);
  };
  const fields = (query.fields ?? []).map((f: any) => {
    if (f.type === 'Field') return f.field as string;
    if (f.type === 'FieldRelationship') return f.rawValue as string;
    throw new SoqlError('MALFORMED_QUERY', `\n${text}\nThe stand-in runs plain field lists only`);
  });
  for (const f of fields) {
    if (!known(f)) {
      throw new SoqlError(
        'INVALID_FIELD',
        `\n${text}\n^\nERROR at Row:1:Column:1\nNo such column '${f}' on entity '${sObject}'. If you are attempting to use a custom field, be sure to append the '__c' after the custom field name.`,
      );
    }
  }
  const tokens: Token[] = [];
  flatten(query.where, tokens);
  let at = 0;
  const expr = (): ((r: SObject) => boolean) => {
    const parts = [term()];
    let joiner: string | undefined;
    while (tokens[at] === 'AND' || tokens[at] === 'OR') {
      const op = tokens[at++] as string;
      // "Logical Operators": mixing AND and OR needs parentheses.
      if (joiner && joiner !== op) {
        throw new SoqlError(
          'MALFORMED_QUERY',
          `\n${text}\nERROR at Row:1:Column:1\nunexpected token: '${op}'`,
        );
      }
      joiner = op;
      parts.push(term());
    }
    return joiner === 'OR' ? (r) => parts.some((p) => p(r)) : (r) => parts.every((p) => p(r));
  };
  const term = (): ((r: SObject) => boolean) => {
    const t = tokens[at++];
    if (t === 'NOT') {
      const inner = term();
      return (r) => !inner(r);
    }
    if (t === '(') {
      const inner = expr();
      if (tokens[at++] !== ')')
        throw new SoqlError('MALFORMED_QUERY', `\n${text}\nunexpected token`);
      return inner;
    }
    if (!t || typeof t === 'string')
      throw new SoqlError('MALFORMED_QUERY', `\n${text}\nunexpected token: ${String(t)}`);
    return condition(t, text, schema, known);
  };
  const filter = tokens.length ? expr() : () => true;
  const order = ordering(query, known, text);
  return { sObject, fields, filter, order, limit: query.limit, offset: query.offset };
}

/** Epoch ms of a Salesforce date-time (`...+0000`, which Date.parse does not read) or literal. */
export const parseDateTime = (v: string) => Date.parse(v.replace(/([+-]\d\d)(\d\d)$/, '$1:$2'));

/** The value of a field path on a record (`Account.Name` through the related record). */
export function valueAt(r: SObject, path: string): unknown {
  const [head, tail] = path.split('.');
  if (tail === undefined) return r[head];
  const related = r[head] as Record<string, unknown> | null | undefined;
  return related ? related[tail] : null;
}

function condition(c: Condition, text: string, schema: SoqlSchema, known: (p: string) => boolean) {
  if (!known(c.field)) {
    throw new SoqlError('INVALID_FIELD', `\n${text}\nNo such column '${c.field}'`);
  }
  const isDate = schema.dateTimes.has(c.field.split('.').pop()!);
  const like = c.operator.toUpperCase() === 'LIKE';
  const literal = (raw: string, type: string): unknown => {
    if (type === 'NULL') return null;
    if (type === 'BOOLEAN') return raw.toUpperCase() === 'TRUE';
    if (type === 'INTEGER' || type === 'DECIMAL') return Number(raw);
    if (type === 'DATETIME') {
      if (!isDate)
        throw new SoqlError(
          'INVALID_FIELD',
          `\n${text}\nvalue of filter criterion for field '${c.field}' must be of type string and should be enclosed in quotes`,
        );
      return parseDateTime(raw);
    }
    if (isDate) {
      throw new SoqlError(
        'INVALID_FIELD',
        `\n${text}\nvalue of filter criterion for field '${c.field}' must be of type dateTime and should not be enclosed in quotes`,
      );
    }
    return unquote(raw, like);
  };
  const types = Array.isArray(c.literalType) ? c.literalType : [c.literalType ?? 'STRING'];
  const values = Array.isArray(c.value)
    ? c.value.map((v, i) => literal(v, types[i] ?? types[0]))
    : [literal(String(c.value), types[0])];
  const norm = (v: unknown) => {
    if (v === undefined || v === null) return null;
    if (isDate) return typeof v === 'number' ? v : parseDateTime(String(v));
    return typeof v === 'string' ? v.toLowerCase() : v;
  };
  const want = values.map(norm);
  const op = c.operator.toUpperCase();
  return (r: SObject) => {
    const v = norm(valueAt(r, c.field));
    switch (op) {
      case '=':
        return v === want[0];
      case '!=':
      case '<>':
        return v !== want[0];
      case 'IN':
        return v !== null && want.includes(v);
      case 'NOT IN':
        return !want.includes(v);
      case 'LIKE':
        return typeof v === 'string' && likeToRegExp(String(values[0])).test(v);
    }
    if (v === null || want[0] === null) return false;
    const w = want[0] as number | string;
    if (op === '<') return v < w;
    if (op === '<=') return v <= w;
    if (op === '>') return v > w;
    if (op === '>=') return v >= w;
    throw new SoqlError('INVALID_QUERY_FILTER_OPERATOR', `\n${text}\ninvalid operator ${op}`);
  };
}

/** ORDER BY: ascending by default, nulls first ascending and last descending ("ORDER BY"). */
function ordering(query: Query, known: (p: string) => boolean, text: string) {
  const rules = (
    Array.isArray(query.orderBy) ? query.orderBy : query.orderBy ? [query.orderBy] : []
  ) as {
    field?: string;
    order?: string;
    nulls?: string;
  }[];
  for (const rule of rules) {
    if (!rule.field || !known(rule.field))
      throw new SoqlError('INVALID_FIELD', `\n${text}\nNo such column '${String(rule.field)}'`);
  }
  return (a: SObject, b: SObject): number => {
    for (const rule of rules) {
      const desc = rule.order?.toUpperCase() === 'DESC';
      const nullsLast = rule.nulls ? rule.nulls.toUpperCase() === 'LAST' : desc;
      const x = valueAt(a, rule.field!);
      const y = valueAt(b, rule.field!);
      if (x === y) continue;
      if (x === null || x === undefined) return nullsLast ? 1 : -1;
      if (y === null || y === undefined) return nullsLast ? -1 : 1;
      const cmp = compareValues(rule.field!, x, y);
      if (cmp) return desc ? -cmp : cmp;
    }
    return 0;
  };
}

/** Ids compare case-sensitively, date-times by instant, numbers by value, text ignoring case. */
function compareValues(field: string, x: unknown, y: unknown): number {
  const name = field.split('.').pop()!;
  let a: string | number = String(x);
  let b: string | number = String(y);
  if (typeof x === 'number' && typeof y === 'number') [a, b] = [x, y];
  else if (/Date$|Modstamp$/.test(name)) [a, b] = [parseDateTime(a), parseDateTime(b)];
  else if (!/Id$/.test(name)) [a, b] = [a.toLowerCase(), b.toLowerCase()];
  return a < b ? -1 : a > b ? 1 : 0;
}
