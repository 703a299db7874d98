import { numberText } from '../../../common/number-text';
import { GUID_FILTER, guidValue } from './guid-filter';
import { getPath, JsonPath, PathError, PathSegment } from './paths';
import { QUERY_ESCAPES } from './query-escapes';

/**
 * The manifest's logic-less templates: text with `{{ root.path | filter }}` placeholders, e.g.
 * `https://{{ auth.subdomain }}.example.com/api` or `Bearer {{ session.token }}`. A placeholder
 * reads a path (see paths.ts: own properties only, no prototypes) from one of the roots the
 * place allows (`auth`, `data`, `record`...) and may pass it through filters. There are no
 * conditions, loops or calls: a template can only copy values.
 */

export class TemplateError extends Error {}

type Filter = { name: string; arg?: string };

interface Placeholder {
  source: string;
  root: string;
  path: JsonPath;
  /** The path's segments after its root. */
  rest: readonly PathSegment[];
  filters: Filter[];
}

/** No record given beside the context: `record` is read from the context like any root. */
const NO_RECORD: unique symbol = Symbol('no record');

type Part = string | Placeholder;

const FILTERS: Record<string, { arg: boolean; doc: string }> = {
  urlencode: { arg: false, doc: 'percent-encodes the value (encodeURIComponent)' },
  lower: { arg: false, doc: 'lower case' },
  upper: { arg: false, doc: 'upper case' },
  trim: { arg: false, doc: 'removes surrounding white space' },
  base64: { arg: false, doc: 'Base64 of the UTF-8 text' },
  json: { arg: false, doc: 'the value as JSON text' },
  digits: { arg: false, doc: 'keeps only the digits (e.g. of a phone number)' },
  first: { arg: false, doc: 'the first element of a list' },
  join: { arg: true, doc: 'joins a list with the given separator, e.g. join(",")' },
  default: { arg: true, doc: 'the given text when the value is missing, e.g. default("open")' },
  integer: {
    arg: false,
    doc: 'the value as a JSON integer (`"42"` becomes `42`); missing when it is not one',
  },
  number: { arg: false, doc: 'the value as a JSON number; missing when it is not one' },
  ...GUID_FILTER,
  boolean: {
    arg: false,
    doc: 'the value as a JSON boolean (`true`/`false`, any case); missing otherwise',
  },
  soql: {
    arg: false,
    doc: "escapes a SOQL string literal's content: `WHERE Email = '{{ lookup.email | soql }}'`",
  },
  soql_like: {
    arg: false,
    doc: "as `soql`, and `%` and `_` taken literally: `LIKE '%{{ lookup.phone_digits | soql_like }}'`",
  },
  sosl: {
    arg: false,
    doc: 'a SOSL search phrase, quotes included, its reserved characters escaped: `FIND { {{ lookup.phone_form | sosl }} } IN PHONE FIELDS`',
  },
  odata: {
    arg: false,
    doc: "escapes an OData string literal's content (`'` doubled): `$filter=emailaddress1 eq '{{ lookup.email | odata }}'`",
  },
  lucene: {
    arg: false,
    doc: 'escapes the Lucene query syntax: the value is one term, e.g. `email:{{ lookup.email | lucene }}`',
  },
  zendesk_search: {
    arg: false,
    doc: 'a Zendesk search phrase, quotes included (its own quotes dropped): `type:user email:{{ lookup.email | zendesk_search }}`',
  },
  hubspot_search: {
    arg: false,
    doc: "HubSpot search text without its wildcard `*` and phrase quotes: `query: '{{ lookup.name | hubspot_search }}'`",
  },
};

/**
 * Filters after which a value is safe anywhere inside a query language's text: the escapes
 * of each language, and `digits` (nothing but digits is left).
 */
export const ESCAPING_FILTERS: ReadonlySet<string> = new Set([
  'soql',
  'soql_like',
  'sosl',
  'odata',
  'lucene',
  'zendesk_search',
  'hubspot_search',
  'digits',
  'guid',
]);

/** Filter names and what they do, for the manifest reference. */
export const TEMPLATE_FILTERS: Readonly<Record<string, string>> = Object.fromEntries(
  Object.entries(FILTERS).map(([name, { doc }]) => [name, doc]),
);

const isMissing = (value: unknown) => value === undefined || value === null;

/**
 * Filters that give a value its JSON type, for request bodies whose API checks types (ids as
 * numbers, flags as booleans): a value that does not read as the type becomes missing, so the
 * property is left out rather than sent wrong.
 */
const TYPED_FILTERS: Record<string, (value: unknown) => unknown> = {
  integer: (v) => {
    const n = typeof v === 'number' ? v : /^\s*-?\d+\s*$/.test(textOf(v)) ? Number(v) : NaN;
    return Number.isSafeInteger(n) ? n : undefined;
  },
  number: (v) => {
    const t = textOf(v).trim();
    const n = typeof v === 'number' ? v : t === '' ? NaN : Number(t);
    return Number.isFinite(n) ? n : undefined;
  },
  boolean: (v) => {
    if (typeof v === 'boolean') return v;
    const t = textOf(v).trim().toLowerCase();
    return t === 'true' ? true : t === 'false' ? false : undefined;
  },
};

/** A value as template text: lists joined with commas, objects as JSON. */
export function textOf(value: unknown): string {
  if (isMissing(value)) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return numberText(value);
  if (typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return value.map(textOf).join(',');
  return JSON.stringify(value);
}

function applyFilter(value: unknown, filter: Filter): unknown {
  if (filter.name === 'guid') return isMissing(value) ? value : guidValue(value);
  const typed = TYPED_FILTERS[filter.name];
  if (typed) return isMissing(value) ? value : typed(value);
  switch (filter.name) {
    case 'default':
      return isMissing(value) || value === '' ? filter.arg : value;
    case 'first':
      return Array.isArray(value) ? value[0] : value;
    case 'join':
      return Array.isArray(value) ? value.map(textOf).join(filter.arg ?? ',') : value;
  }
  if (isMissing(value)) return value;
  const text = textOf(value);
  switch (filter.name) {
    case 'urlencode':
      return encodeURIComponent(text);
    case 'lower':
      return text.toLowerCase();
    case 'upper':
      return text.toUpperCase();
    case 'trim':
      return text.trim();
    case 'base64':
      return Buffer.from(text, 'utf8').toString('base64');
    case 'json':
      return JSON.stringify(value);
    case 'digits':
      return text.replace(/\D/g, '');
    default:
      return Object.hasOwn(QUERY_ESCAPES, filter.name) ? QUERY_ESCAPES[filter.name](text) : value;
  }
}

function parseFilter(text: string, source: string): Filter {
  const match = /^([a-z0-9_]+)\s*(?:\(\s*(?:"((?:[^"\\]|\\.)*)"|'((?:[^'\\]|\\.)*)')\s*\))?$/.exec(
    text.trim(),
  );
  if (!match) throw new TemplateError(`filter "${text.trim()}" in "${source}" cannot be read`);
  const [, name, double, single] = match;
  const known = FILTERS[name];
  if (!known || !Object.hasOwn(FILTERS, name)) {
    throw new TemplateError(
      `unknown filter "${name}" in "${source}" (known: ${Object.keys(FILTERS).join(', ')})`,
    );
  }
  const arg = double ?? single;
  if (known.arg && arg === undefined) {
    throw new TemplateError(`filter "${name}" in "${source}" needs an argument, e.g. ${name}(",")`);
  }
  if (!known.arg && arg !== undefined) {
    throw new TemplateError(`filter "${name}" in "${source}" takes no argument`);
  }
  return { name, ...(arg !== undefined && { arg: arg.replace(/\\(.)/g, '$1') }) };
}

export class Template {
  private readonly parts: Part[] = [];
  /** Roots the template reads (`auth`, `data`...). */
  readonly roots = new Set<string>();

  /**
   * Parses `source`; `roots` are the names a placeholder may start with in this place of the
   * manifest. Throws TemplateError naming the problem.
   */
  constructor(
    readonly source: string,
    allowedRoots: readonly string[],
  ) {
    let i = 0;
    while (i < source.length) {
      const open = source.indexOf('{{', i);
      if (open < 0) {
        this.parts.push(source.slice(i));
        break;
      }
      if (open > i) this.parts.push(source.slice(i, open));
      const close = source.indexOf('}}', open + 2);
      if (close < 0) throw new TemplateError(`"{{" without "}}" in "${source}"`);
      const inner = source.slice(open + 2, close);
      if (inner.includes('{{')) throw new TemplateError(`nested "{{" in "${source}"`);
      const [pathText, ...filterTexts] = splitFilters(inner);
      const path = pathText.trim();
      if (!path) throw new TemplateError(`empty placeholder "{{}}" in "${source}"`);
      let parsed: JsonPath;
      try {
        parsed = new JsonPath(path);
      } catch (error) {
        throw new TemplateError(`${(error as PathError).message} (in "${source}")`);
      }
      const root = parsed.segments[0];
      if (typeof root !== 'string' || !allowedRoots.includes(root)) {
        throw new TemplateError(
          `"{{ ${path} }}" in "${source}" must start with one of: ${allowedRoots.join(', ')}`,
        );
      }
      this.roots.add(root);
      this.parts.push({
        source: inner.trim(),
        root,
        path: parsed,
        rest: parsed.segments.slice(1),
        filters: filterTexts.map((f) => parseFilter(f, source)),
      });
      i = close + 2;
    }
  }

  /**
   * Each placeholder with the literal text around it and its filters, for the loader's checks
   * (where a request value lands).
   */
  placeholders(): {
    root: string;
    /** The key read under the root (`api_key` of `auth.api_key`), when it is a name. */
    key?: string;
    source: string;
    filters: string[];
    before: string;
    after: string;
  }[] {
    return this.parts.flatMap((part, i) => {
      if (typeof part === 'string') return [];
      const literal = (p: Part | undefined) => (typeof p === 'string' ? p : p ? '\u0000' : '');
      return [
        {
          root: part.root,
          ...(typeof part.path.segments[1] === 'string' && { key: part.path.segments[1] }),
          source: part.source,
          filters: part.filters.map((f) => f.name),
          before: literal(this.parts[i - 1]),
          after: literal(this.parts[i + 1]),
        },
      ];
    });
  }

  /** True when the template is one placeholder and nothing else: its value keeps its type. */
  get isSingle(): boolean {
    return this.parts.length === 1 && typeof this.parts[0] !== 'string';
  }

  get isConstant(): boolean {
    return this.parts.every((part) => typeof part === 'string');
  }

  private evaluate(
    placeholder: Placeholder,
    context: Readonly<Record<string, unknown>>,
    record: unknown,
  ) {
    let value =
      record !== NO_RECORD && placeholder.root === 'record'
        ? getPath(record, placeholder.rest)
        : placeholder.path.get(context);
    for (const filter of placeholder.filters) value = applyFilter(value, filter);
    return value;
  }

  /**
   * The text, each placeholder's text passed through `encode` (e.g. encodeURIComponent in a
   * URL path); `missing` says whether any placeholder had no value.
   */
  render(
    context: Readonly<Record<string, unknown>>,
    encode?: (text: string) => string,
  ): { text: string; missing: boolean } {
    return this.renderWith(context, NO_RECORD, encode);
  }

  private renderWith(
    context: Readonly<Record<string, unknown>>,
    record: unknown,
    encode?: (text: string) => string,
  ): { text: string; missing: boolean } {
    let missing = false;
    let text = '';
    for (const part of this.parts) {
      if (typeof part === 'string') {
        text += part;
        continue;
      }
      const value = this.evaluate(part, context, record);
      if (isMissing(value)) missing = true;
      text += encode ? encode(textOf(value)) : textOf(value);
    }
    return { text, missing };
  }

  /** The value: of its type for a single placeholder (undefined when missing), else the text. */
  value(context: Readonly<Record<string, unknown>>): unknown {
    return this.valueWith(context, NO_RECORD);
  }

  /**
   * `value({ ...context, record })` without building that object: what a template of a
   * record's field costs, for every record of a page.
   */
  valueOfRecord(context: Readonly<Record<string, unknown>>, record: unknown): unknown {
    return this.valueWith(context, record);
  }

  private valueWith(context: Readonly<Record<string, unknown>>, record: unknown): unknown {
    if (this.isSingle) {
      const value = this.evaluate(this.parts[0] as Placeholder, context, record);
      return isMissing(value) ? undefined : value;
    }
    return this.renderWith(context, record).text;
  }
}

/** Splits `path | filter("a|b") | other` on the bars outside quotes. */
function splitFilters(inner: string): string[] {
  const out: string[] = [];
  let current = '';
  let quote: string | null = null;
  for (let i = 0; i < inner.length; i++) {
    const c = inner[i];
    if (quote) {
      current += c;
      if (c === '\\' && i + 1 < inner.length) current += inner[++i];
      else if (c === quote) quote = null;
    } else if (c === '"' || c === "'") {
      quote = c;
      current += c;
    } else if (c === '|') {
      out.push(current);
      current = '';
    } else {
      current += c;
    }
  }
  out.push(current);
  return out;
}
