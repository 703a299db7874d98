/**
 * Paths into JSON data, as manifests write them: `contact.emails[0]`, `data.items`, `meta["next-page"]`,
 * `users.*.email` (`*` visits every element of an array or every value of an object), and `$` or
 * the empty string for the value itself. Only own properties of plain data are read: the names
 * `__proto__`, `constructor` and `prototype` are refused when the path is parsed.
 */

export type PathSegment = string | number | typeof WILDCARD;

export const WILDCARD: unique symbol = Symbol('*');

export const FORBIDDEN_NAMES: ReadonlySet<string> = new Set([
  '__proto__',
  'constructor',
  'prototype',
]);

export class PathError extends Error {}

/** Splits a path into its segments; throws PathError saying what is wrong. */
export function parsePath(path: string): PathSegment[] {
  const text = path.trim();
  if (text === '' || text === '$') return [];
  const segments: PathSegment[] = [];
  let i = text.startsWith('$.') ? 2 : text.startsWith('$[') ? 1 : 0;
  const name = /^[A-Za-z_$@][\w$@-]*/;
  while (i < text.length) {
    if (text[i] === '[') {
      const close = text.indexOf(']', i);
      if (close < 0) throw new PathError(`unclosed "[" in path "${path}"`);
      const inner = text.slice(i + 1, close).trim();
      if (/^\d+$/.test(inner)) segments.push(Number(inner));
      else if (inner === '*') segments.push(WILDCARD);
      else if (/^(".*"|'.*')$/.test(inner)) segments.push(inner.slice(1, -1));
      else
        throw new PathError(
          `"[${inner}]" in path "${path}" is neither an index, * nor a quoted key`,
        );
      i = close + 1;
    } else {
      const rest = text.slice(i);
      const star = rest.startsWith('*');
      const match = star ? ['*'] : (name.exec(rest) ?? /^\d+/.exec(rest));
      if (!match) throw new PathError(`unexpected "${text[i]}" in path "${path}"`);
      const token = match[0];
      segments.push(star ? WILDCARD : /^\d+$/.test(token) ? Number(token) : token);
      i += token.length;
    }
    if (i < text.length) {
      if (text[i] === '.') {
        i++;
        if (i >= text.length) throw new PathError(`path "${path}" ends with "."`);
      } else if (text[i] !== '[') {
        throw new PathError(`unexpected "${text[i]}" in path "${path}"`);
      }
    }
  }
  for (const segment of segments) {
    if (typeof segment === 'string' && FORBIDDEN_NAMES.has(segment)) {
      throw new PathError(`path "${path}" names "${segment}", which is not allowed`);
    }
  }
  return segments;
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

function step(value: unknown, segment: PathSegment): unknown {
  if (segment === WILDCARD) {
    if (Array.isArray(value)) return value;
    if (isObject(value)) return Object.values(value);
    return undefined;
  }
  if (typeof segment === 'number') {
    if (Array.isArray(value)) return value[segment];
    if (isObject(value) && Object.hasOwn(value, String(segment))) return value[String(segment)];
    return undefined;
  }
  if (FORBIDDEN_NAMES.has(segment)) return undefined;
  if (isObject(value) && Object.hasOwn(value, segment)) return value[segment];
  return undefined;
}

/**
 * The value at `segments` in `value`, undefined when any step is missing. After a `*`, the rest
 * of the path is read from every element and the results come back as one flat array (missing
 * ones left out).
 */
export function getPath(value: unknown, segments: readonly PathSegment[]): unknown {
  let current: unknown = value;
  for (let i = 0; i < segments.length; i++) {
    const segment = segments[i];
    if (segment === WILDCARD) {
      const items = step(current, segment);
      if (!Array.isArray(items)) return undefined;
      const rest = segments.slice(i + 1);
      const out: unknown[] = [];
      for (const item of items) {
        const found = getPath(item, rest);
        if (found === undefined) continue;
        if (Array.isArray(found) && rest.includes(WILDCARD)) out.push(...(found as unknown[]));
        else out.push(found);
      }
      return out;
    }
    current = step(current, segment);
    if (current === undefined) return undefined;
  }
  return current;
}

/**
 * getPath for segments that are all names (no index, no `*`), which parsePath has checked
 * against FORBIDDEN_NAMES already: what most manifest paths are, read for every record.
 */
function getNames(value: unknown, names: readonly string[]): unknown {
  let current = value;
  for (let i = 0; i < names.length; i++) {
    if (!isObject(current) || !Object.hasOwn(current, names[i])) return undefined;
    current = current[names[i]];
    if (current === undefined) return undefined;
  }
  return current;
}

/** A parsed path, ready to read values. */
export class JsonPath {
  readonly segments: readonly PathSegment[];
  private readonly names: readonly string[] | undefined;

  constructor(readonly source: string) {
    this.segments = parsePath(source);
    const segments = this.segments;
    this.names = segments.every((s) => typeof s === 'string')
      ? (segments as readonly string[])
      : undefined;
  }

  get(value: unknown): unknown {
    return this.names ? getNames(value, this.names) : getPath(value, this.segments);
  }
}
