/**
 * The JSON text of a cell read as JSON.parse reads it, without calling it for the shapes
 * contact columns hold nearly always: `[]`, a list of strings (`["a@x.com","b@x.com"]`) and a
 * list of custom fields (`[{"key":"Tier","value":"Gold"}]`), written without spaces and with no
 * escape or control character in their strings. Such text holds its strings verbatim between
 * the quotes, so slicing them out gives what JSON.parse gives, at about half its cost (JSON.parse
 * pays a fixed price per call, and a contact row has several such cells). Any other text (spaces,
 * escapes, numbers, nesting, other keys, anything malformed) goes to JSON.parse, which also
 * decides what is invalid.
 */

/** A backslash (an escape) or a control character, which JSON strings may not hold raw. */
// eslint-disable-next-line no-control-regex -- the very characters JSON strings may not hold raw
const NOT_VERBATIM = /[\u0000-\u001f\\]/;

/** The punctuation the common shapes are read by, as the character codes charCodeAt gives. */
const QUOTE = '"'.charCodeAt(0);
const COMMA = ','.charCodeAt(0);
const OPEN_LIST = '['.charCodeAt(0);
const CLOSE_LIST = ']'.charCodeAt(0);
const OPEN_OBJECT = '{'.charCodeAt(0);
const CLOSE_OBJECT = '}'.charCodeAt(0);

const FIELD_KEY = '{"key":"';
const FIELD_VALUE = '","value":"';

/**
 * The strings of `["s1","s2",...]` from index 1 on, or undefined when the text is another
 * shape. `text` holds no backslash or control character.
 */
function stringList(text: string): string[] | undefined {
  const out: string[] = [];
  const last = text.length - 1;
  let open = 1;
  for (;;) {
    const close = text.indexOf('"', open + 1);
    if (close < 0) return undefined;
    out.push(text.slice(open + 1, close));
    const next = text.charCodeAt(close + 1);
    if (next === CLOSE_LIST) return close + 1 === last ? out : undefined;
    if (next !== COMMA || text.charCodeAt(close + 2) !== QUOTE) return undefined;
    open = close + 2;
  }
}

/** The fields of `[{"key":"k","value":"v"},...]`, or undefined when the text is another shape. */
function fieldList(text: string): { key: string; value: string }[] | undefined {
  const out: { key: string; value: string }[] = [];
  const last = text.length - 1;
  let at = 1;
  for (;;) {
    if (!text.startsWith(FIELD_KEY, at)) return undefined;
    const keyEnd = text.indexOf('"', at + FIELD_KEY.length);
    if (keyEnd < 0 || !text.startsWith(FIELD_VALUE, keyEnd)) return undefined;
    const valueAt = keyEnd + FIELD_VALUE.length;
    const valueEnd = text.indexOf('"', valueAt);
    if (valueEnd < 0 || text.charCodeAt(valueEnd + 1) !== CLOSE_OBJECT) return undefined;
    out.push({
      key: text.slice(at + FIELD_KEY.length, keyEnd),
      value: text.slice(valueAt, valueEnd),
    });
    const next = text.charCodeAt(valueEnd + 2);
    if (next === CLOSE_LIST) return valueEnd + 2 === last ? out : undefined;
    if (next !== COMMA) return undefined;
    at = valueEnd + 3;
  }
}

/** The common shapes read directly (see the top of this file), or undefined. */
function direct(text: string): unknown[] | undefined {
  const length = text.length;
  if (
    length < 2 ||
    text.charCodeAt(0) !== OPEN_LIST ||
    text.charCodeAt(length - 1) !== CLOSE_LIST
  ) {
    return undefined;
  }
  if (length === 2) return [];
  if (NOT_VERBATIM.test(text)) return undefined;
  const first = text.charCodeAt(1);
  if (first === QUOTE) return stringList(text);
  if (first === OPEN_OBJECT) return fieldList(text);
  return undefined;
}

/** A JSON text cell as the value it holds; anything unreadable stays as it is. */
export function parseJsonCell(cell: unknown): unknown {
  if (typeof cell !== 'string') return cell;
  const read = direct(cell);
  if (read !== undefined) return read;
  try {
    return JSON.parse(cell);
  } catch {
    return cell;
  }
}
