import { JSONSchema } from 'zod/v4/core';
import { z } from 'zod';
import { SQL_MANIFEST } from './sql-manifest.schema';

/**
 * The SQL manifest reference: every key with its type, default and description, generated from
 * SQL_MANIFEST (through its JSON Schema) into docs/sql-connector.md between the markers below by
 * `npm run manifest:docs`; a test fails when the copy there is stale.
 */
export const SQL_REFERENCE_FILE = 'docs/sql-connector.md';
export const SQL_DOCS_START = '<!-- sql-manifest-reference:start -->';
export const SQL_DOCS_END = '<!-- sql-manifest-reference:end -->';

type Schema = JSONSchema.JSONSchema;

const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');

/** A value spec of the shared vocabulary: a string or an object with `path`, `template`... */
const isValueSpec = (s: Schema) =>
  Array.isArray(s.anyOf) &&
  s.anyOf.some((b) => typeof b === 'object' && (b as Schema).properties?.template !== undefined);

function typeOf(s: Schema): string {
  if (isValueSpec(s)) return 'value';
  if (s.const !== undefined) return `\`${JSON.stringify(s.const)}\``;
  if (s.enum) return s.enum.map((v) => `\`${String(v)}\``).join(', ');
  if (s.anyOf) return (s.anyOf as Schema[]).map(typeOf).join(' or ');
  switch (s.type) {
    case 'array':
      return `list of ${s.items && typeof s.items === 'object' ? typeOf(s.items as Schema) : 'values'}`;
    case 'object':
      return s.properties ? 'object' : 'map';
    case 'string':
      return 'text';
    default:
      return Array.isArray(s.type)
        ? s.type.map((t) => typeOf({ type: t } as Schema)).join(' or ')
        : String(s.type ?? 'any');
  }
}

function rows(s: Schema, at: string, out: string[][]): void {
  const required = new Set(s.required ?? []);
  for (const [key, raw] of Object.entries(s.properties ?? {})) {
    const p = raw as Schema;
    const path = at ? `${at}.${key}` : key;
    if (p.oneOf) {
      out.push([path, 'one of the shapes below', '', p.description ?? '']);
      for (const branch of p.oneOf as Schema[]) {
        const tag = Object.entries(branch.properties ?? {}).find(
          ([, v]) => (v as Schema).const !== undefined,
        );
        rows(
          branch,
          `${path} (${tag ? `${tag[0]}: ${String((tag[1] as Schema).const)}` : 'other'})`,
          out,
        );
      }
      continue;
    }
    const def =
      p.default === undefined
        ? required.has(key)
          ? 'required'
          : ''
        : `\`${JSON.stringify(p.default)}\``;
    const description = p.description ?? (p.items as Schema | undefined)?.description ?? '';
    out.push([path, typeOf(p), def, description]);
    if (isValueSpec(p)) continue;
    // One shape or a list of it (an id column or a composite key's): the keys of the shape once.
    const shape = (p.anyOf as Schema[] | undefined)?.find(
      (b) => b.type === 'object' && b.properties,
    );
    if (shape) rows(shape, path, out);
    if (p.type === 'object' && p.properties) rows(p, path, out);
    const items = p.items as Schema | undefined;
    if (p.type === 'array' && items?.type === 'object' && items.properties)
      rows(items, `${path}[]`, out);
  }
}

/** The reference table, as it stands between the markers. */
export function sqlManifestReference(): string {
  const schema = z.toJSONSchema(SQL_MANIFEST, { io: 'input', unrepresentable: 'any' });
  const out: string[][] = [];
  rows(schema, '', out);
  const lines = [
    '| key | type | default | meaning |',
    '| --- | --- | --- | --- |',
    ...out.map((r) => `| \`${r[0]}\` | ${cell(r[1])} | ${cell(r[2])} | ${cell(r[3])} |`),
  ];
  return lines.join('\n');
}

/** `markdown` with the reference between its markers replaced by `reference`. */
export function withSqlReference(markdown: string, reference: string): string {
  const start = markdown.indexOf(SQL_DOCS_START);
  const end = markdown.indexOf(SQL_DOCS_END);
  if (start < 0 || end < start)
    throw new Error(`${SQL_REFERENCE_FILE} lacks the reference markers`);
  return `${markdown.slice(0, start + SQL_DOCS_START.length)}\n\n${reference}\n\n${markdown.slice(end)}`;
}

/** A markdown table with its alignment padding removed, to compare a formatted copy with the source. */
export function unpadded(table: string): string {
  return table
    .trim()
    .split('\n')
    .map((line) =>
      line
        .split(/(?<!\\)\|/)
        .map((c) => (/^\s*-+\s*$/.test(c) ? '---' : c.trim()))
        .join('|'),
    )
    .join('\n');
}

/** The reference as it stands in the document. */
export function referenceIn(markdown: string): string {
  const start = markdown.indexOf(SQL_DOCS_START);
  const end = markdown.indexOf(SQL_DOCS_END);
  return start < 0 || end < start ? '' : markdown.slice(start + SQL_DOCS_START.length, end);
}
