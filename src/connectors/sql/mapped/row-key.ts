import type { SqlIdColumn } from '../manifest/sql-manifest.schema';

/** A manifest's `id`: one column, or the columns of a composite key in order. */
export type IdSpec = SqlIdColumn | SqlIdColumn[];

export const idColumnsOf = (id: IdSpec): SqlIdColumn[] => (Array.isArray(id) ? id : [id]);

/**
 * A composite key as the one contact id Talkdesk keeps: each part encoded, joined by `+`. The
 * encoding sorts as the database orders the key (the contacts port compares ids as text, and a
 * sync refuses records out of order), it reverses (an id Talkdesk sends back finds the row), and
 * each key has exactly one spelling:
 * - integers as 19 digits, zero-padded (every 64-bit integer); negative ones as `-` and the
 *   19 digits of 2^63 plus the value, so that they sort before the others and among themselves;
 * - text and uuids as they are, except that every character up to `,` (the separator `+`,
 *   the escape `,`, space, punctuation such as `'`, `(` or `%`, control characters) is `,` and its
 *   two hex digits: all of them sort below every character left as it is, as the separator sorts
 *   below them, so `("AB", 1)` comes before `("AB!", 1)` and `("ABC", 1)` as in the database.
 */
const SEPARATOR = '+';
const ESCAPE = ',';
const WIDTH = 19;
const INT64_MAX = 2n ** 63n - 1n;
const NEGATIVE_BASE = 2n ** 63n;
// Control characters are among those escaped, on purpose.
// eslint-disable-next-line no-control-regex
const ESCAPED = /[\u0000-\u002c]/g;
const ESCAPES = /,([0-9A-F]{2})|,/g;
/** What an encoded part never holds as it is (`,` starts an escape). */
// eslint-disable-next-line no-control-regex
const UNESCAPED = /[\u0000-\u002b]/;
const DIGITS = new RegExp(`^-?\\d{${WIDTH}}$`);
const INTEGER = /^-?\d+$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * An id from a request as the id column holds it, or undefined when it cannot be one (a value
 * the column's type would refuse never reaches the database).
 */
export function idOfType(
  type: 'integer' | 'text' | 'uuid',
  id: string,
): string | number | undefined {
  switch (type) {
    case 'integer': {
      const n = Number(id);
      return INTEGER.test(id) && Number.isSafeInteger(n) ? n : undefined;
    }
    case 'uuid':
      return UUID.test(id) ? id.toLowerCase() : undefined;
    case 'text':
      return holdable(id) ? id : undefined;
  }
}

/** Text a column can hold: PostgreSQL's text holds no NUL character (it refuses the statement). */
export const holdable = (value: string) => !value.includes('\u0000');

/** An integer part as sortable digits, or undefined for a value that is not a 64-bit integer. */
function encodeInteger(value: unknown): string | undefined {
  let n: bigint;
  if (typeof value === 'number') {
    if (!Number.isSafeInteger(value)) return undefined;
    n = BigInt(value);
  } else if (typeof value === 'bigint') n = value;
  else if (typeof value === 'string' && INTEGER.test(value)) n = BigInt(value);
  else return undefined;
  if (n > INT64_MAX || n < -NEGATIVE_BASE) return undefined;
  return n < 0n
    ? `-${(NEGATIVE_BASE + n).toString().padStart(WIDTH, '0')}`
    : n.toString().padStart(WIDTH, '0');
}

function decodeInteger(part: string): number | string | undefined {
  if (!DIGITS.test(part)) return undefined;
  const n = part.startsWith('-') ? BigInt(part.slice(1)) - NEGATIVE_BASE : BigInt(part);
  if (part.startsWith('-') && n >= 0n) return undefined;
  if (n > INT64_MAX) return undefined;
  // Bound as a number when exact, else as its digits (every dialect compares them as numbers).
  return n >= BigInt(Number.MIN_SAFE_INTEGER) && n <= BigInt(Number.MAX_SAFE_INTEGER)
    ? Number(n)
    : n.toString();
}

const escapeText = (text: string) =>
  text.replace(
    ESCAPED,
    (c) => `${ESCAPE}${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`,
  );

/** The text of an escaped part, or undefined when it is not one this encoding writes. */
function unescapeText(part: string): string | undefined {
  if (UNESCAPED.test(part)) return undefined;
  let valid = true;
  const text = part.replace(ESCAPES, (match, hex: string | undefined) => {
    const code = hex === undefined ? -1 : parseInt(hex, 16);
    if (code < 0 || code > 0x2c) {
      valid = false;
      return match;
    }
    return String.fromCharCode(code);
  });
  return valid ? text : undefined;
}

/** The contact id of a row's key parts (in the key's order), or undefined when one is missing. */
export function encodeKey(columns: readonly SqlIdColumn[], values: readonly unknown[]) {
  const parts: string[] = [];
  for (let i = 0; i < columns.length; i++) {
    const value = values[i];
    if (value === null || value === undefined) return undefined;
    if (columns[i].type === 'integer') {
      const digits = encodeInteger(value);
      if (digits === undefined) return undefined;
      parts.push(digits);
    } else {
      const text = typeof value === 'string' ? value : String(value);
      parts.push(escapeText(columns[i].type === 'uuid' ? text.toLowerCase() : text));
    }
  }
  return parts.join(SEPARATOR);
}

/**
 * The key parts of a contact id, as the columns compare them, or undefined when the id is not
 * one `encodeKey` writes for these columns (a value that could not be the key never reaches the
 * database).
 */
export function decodeKey(
  columns: readonly SqlIdColumn[],
  id: string,
): (string | number)[] | undefined {
  const parts = id.split(SEPARATOR);
  if (parts.length !== columns.length) return undefined;
  const values: (string | number)[] = [];
  for (let i = 0; i < parts.length; i++) {
    const type = columns[i].type;
    if (type === 'integer') {
      const n = decodeInteger(parts[i]);
      if (n === undefined) return undefined;
      values.push(n);
      continue;
    }
    const text = unescapeText(parts[i]);
    if (text === undefined || text.includes('\u0000')) return undefined;
    if (type === 'uuid') {
      if (!UUID.test(text)) return undefined;
      values.push(text.toLowerCase());
    } else values.push(text);
  }
  return values;
}

/** The key parts of a contact id (one for a single id column), or undefined when it cannot be one. */
export function keyOfId(
  columns: readonly SqlIdColumn[],
  id: string,
): (string | number)[] | undefined {
  if (columns.length > 1) return decodeKey(columns, id);
  const value = idOfType(columns[0].type, id);
  return value === undefined ? undefined : [value];
}
