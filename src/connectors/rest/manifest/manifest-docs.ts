import { spawnSync } from 'node:child_process';
import { MANIFEST_SCHEMA } from './manifest.schema';
import { TEMPLATE_FILTERS } from './template';

/**
 * The manifest reference (docs/manifest-reference.md), generated from MANIFEST_SCHEMA: one table
 * for the top level and one per definition (`request`, `paginator`...), each key with its type,
 * default and description. `npm run manifest:docs` writes it between the file's markers; a test
 * fails when the file's copy is stale.
 */

interface Schema {
  $ref?: string;
  const?: unknown;
  enum?: unknown[];
  type?: string | string[];
  items?: Schema;
  additionalProperties?: Schema | boolean;
  properties?: Record<string, Schema>;
  required?: string[];
  then?: Schema;
  description?: string;
  default?: unknown;
  minimum?: number;
  maximum?: number;
  pattern?: string;
}

/** The document the reference lives in, relative to the repository's root. */
export const MANIFEST_REFERENCE_FILE = 'docs/manifest-reference.md';
export const DOCS_START = '<!-- manifest-reference:start -->';
export const DOCS_END = '<!-- manifest-reference:end -->';

const root = MANIFEST_SCHEMA as unknown as Schema & { definitions: Record<string, Schema> };
const definitions = root.definitions;

/** GitHub's anchor of the heading `Manifest: \`name\``. */
const anchor = (name: string) => `manifest-${name}`;
const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');

function typeOf(schema: Schema): string {
  if (schema.$ref) {
    const name = String(schema.$ref).split('/').pop()!;
    return `[${name}](#${anchor(name)})`;
  }
  if (schema.const !== undefined) return `\`${JSON.stringify(schema.const)}\``;
  if (schema.enum) return (schema.enum as unknown[]).map((v) => `\`${String(v)}\``).join(', ');
  const type = schema.type;
  if (Array.isArray(type)) return type.map((t) => typeOf({ type: t })).join(' or ');
  switch (type) {
    case 'string':
      return 'text';
    case 'integer':
      return 'integer';
    case 'number':
      return 'number';
    case 'boolean':
      return 'boolean';
    case 'array':
      return `list of ${schema.items ? typeOf(schema.items) : 'values'}`;
    case 'object':
      if (schema.additionalProperties && typeof schema.additionalProperties === 'object') {
        return `map of ${typeOf(schema.additionalProperties)}`;
      }
      return 'object';
    default:
      return 'any JSON';
  }
}

function bounds(schema: Schema): string {
  const parts: string[] = [];
  if (schema.minimum !== undefined) parts.push(`≥ ${schema.minimum}`);
  if (schema.maximum !== undefined) parts.push(`≤ ${schema.maximum}`);
  if (schema.pattern) parts.push(`matches \`${schema.pattern}\``);
  return parts.length ? ` (${parts.join(', ')})` : '';
}

/** The rows of an object schema; inline nested objects are flattened into dotted keys. */
function rows(schema: Schema, prefix = ''): string[] {
  const properties = (schema.properties ?? schema.then?.properties ?? {}) as Record<string, Schema>;
  const required = new Set<string>([...(schema.required ?? []), ...(schema.then?.required ?? [])]);
  const out: string[] = [];
  for (const [key, property] of Object.entries(properties)) {
    const name = `${prefix}${key}`;
    const referenced = property.$ref
      ? definitions[String(property.$ref).split('/').pop()!]
      : undefined;
    const description = property.description ?? referenced?.description ?? '';
    const defaults =
      property.default !== undefined ? `\`${JSON.stringify(property.default)}\`` : '';
    out.push(
      `| \`${name}\`${required.has(key) ? ' (required)' : ''} | ${cell(typeOf(property))}${bounds(property)} | ${cell(defaults)} | ${cell(description)} |`,
    );
    const nested = property.type === 'object' && property.properties && !property.$ref;
    if (nested) out.push(...rows(property, `${name}.`));
  }
  return out;
}

function table(schema: Schema): string {
  return [
    '| key | type | default | description |',
    '| --- | --- | --- | --- |',
    ...rows(schema),
  ].join('\n');
}

/** The reference, as Markdown (not yet formatted). */
export function manifestReference(): string {
  const parts = [
    DOCS_START,
    '',
    '_Generated from `src/connectors/rest/manifest/manifest.schema.ts` by `npm run manifest:docs`: do not edit by hand._',
    '',
    `## Manifest: top level`,
    '',
    String(root.description),
    '',
    table(root),
  ];
  for (const [name, schema] of Object.entries(definitions)) {
    parts.push('', `## Manifest: \`${name}\``, '');
    if (schema.description) parts.push(String(schema.description), '');
    if (schema.type === 'object' || schema.then) parts.push(table(schema));
    else parts.push(`Type: ${typeOf(schema)}.`);
  }
  parts.push(
    '',
    '## Manifest: template filters',
    '',
    'A placeholder may pass its value through filters: `{{ auth.email | lower }}`, `{{ data.tags | join(", ") }}`.',
    '',
    '| filter | what it does |',
    '| --- | --- |',
    ...Object.entries(TEMPLATE_FILTERS).map(([name, doc]) => `| \`${name}\` | ${cell(doc)} |`),
    '',
    DOCS_END,
  );
  return parts.join('\n');
}

/**
 * The reference formatted as the repository formats Markdown (prettier, run in a child process:
 * prettier loads ES modules, which jest's CommonJS runtime cannot).
 */
export function formattedManifestReference(): string {
  const script = `
    const prettier = require('prettier');
    let text = '';
    process.stdin.on('data', (d) => (text += d)).on('end', async () => {
      const options = (await prettier.resolveConfig('${MANIFEST_REFERENCE_FILE}')) || {};
      process.stdout.write(await prettier.format(text, { ...options, parser: 'markdown' }));
    });`;
  const run = spawnSync(process.execPath, ['-e', script], {
    input: manifestReference(),
    encoding: 'utf8',
    timeout: 60_000,
  });
  if (run.status !== 0) throw new Error(`prettier failed: ${run.stderr}`);
  return run.stdout.trim();
}

/** The document with its reference section replaced; throws when the markers are missing. */
export function withReference(markdown: string, reference: string): string {
  const start = markdown.indexOf(DOCS_START);
  const end = markdown.indexOf(DOCS_END);
  if (start < 0 || end < start) {
    throw new Error(`${MANIFEST_REFERENCE_FILE} lacks the markers ${DOCS_START} and ${DOCS_END}`);
  }
  return `${markdown.slice(0, start)}${reference}${markdown.slice(end + DOCS_END.length)}`;
}
