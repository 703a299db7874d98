import { readFileSync } from 'node:fs';
import { extname } from 'node:path';
import { parseDocument } from 'yaml';
import { ConfigError } from '../../../common/config-error';
import type { AuthenticationField } from '../../ports';
import {
  compileValue,
  isDateFormat,
  NESTED_QUANTIFIER,
  ValueSpec,
  zodIssuesToMistakes,
} from '../../manifest-common';
import { SQL_MANIFEST, SqlFilter, SqlManifest, SqlTimeColumn } from './sql-manifest.schema';

/** An SQL manifest that cannot be used; the message lists every mistake with its path. */
export class SqlManifestError extends ConfigError {}

/** A validated manifest, every default filled in, plus what follows from it. */
export interface LoadedSqlManifest extends SqlManifest {
  file: string;
  /** Whether the database is opened read-only (default: no actions declared). */
  readOnly: boolean;
  authenticationFields: AuthenticationField[];
}

function mistakes(file: string, list: string[]): SqlManifestError {
  return new SqlManifestError(
    `The SQL manifest ${file} has ${list.length} mistake${list.length === 1 ? '' : 's'}:\n${list.map((m) => `  - ${m}`).join('\n')}`,
  );
}

/** Reads, validates and checks an SQL manifest file (YAML or JSON); throws SqlManifestError. */
export function loadSqlManifest(file: string): LoadedSqlManifest {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new SqlManifestError(
      `The SQL manifest ${file} cannot be read: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
    );
  }
  return parseSqlManifest(text, file);
}

/** Parses manifest text (YAML, of which JSON is a subset), then validates it. */
export function parseSqlManifest(text: string, file: string): LoadedSqlManifest {
  let document: unknown;
  if (extname(file).toLowerCase() === '.json') {
    try {
      document = JSON.parse(text);
    } catch (error) {
      throw new SqlManifestError(
        `The SQL manifest ${file} is not JSON: ${(error as Error).message}`,
      );
    }
  } else {
    const parsed = parseDocument(text, { uniqueKeys: true, prettyErrors: true });
    if (parsed.errors.length > 0) {
      throw new SqlManifestError(
        `The SQL manifest ${file} is not valid YAML:\n${parsed.errors.map((e) => `  - ${e.message}`).join('\n')}`,
      );
    }
    document = parsed.toJS({ maxAliasCount: 100 });
  }
  return validateSqlManifest(document, file);
}

/** Validates a parsed manifest against the schema and the rules across its keys. */
export function validateSqlManifest(document: unknown, file: string): LoadedSqlManifest {
  const result = SQL_MANIFEST.safeParse(document);
  if (!result.success) throw mistakes(file, zodIssuesToMistakes(result.error.issues, document));
  const m = result.data;
  const found = crossCheck(m);
  if (found.length > 0) throw mistakes(file, found);
  return {
    ...m,
    file,
    readOnly: m.connection.read_only ?? m.actions.length === 0,
    authenticationFields: authenticationFields(m),
  };
}

function authenticationFields(m: SqlManifest): AuthenticationField[] {
  const declared = m.talkdesk.authentication_fields;
  if (declared) return declared.map((f) => ({ ...f }));
  const field = (field_name: string, display: string): AuthenticationField => ({
    field_name,
    display,
    source: 'input',
    type: 'input',
    mandatory: true,
    store: true,
  });
  const c = m.credentials;
  if (c.type === 'static_tokens') return [field(c.field, 'API token')];
  return [
    ...(c.identity ? [field(c.identity.field, 'Username')] : []),
    field(c.secret.field, c.identity ? 'Password' : 'API key'),
  ];
}

/** The template roots of values read from rows, and of actions' values. */
export const RECORD_ROOTS = ['record', 'settings'] as const;
export const ACTION_ROOTS = [
  'data',
  'meta',
  'contact',
  'agent',
  'account',
  'id',
  'settings',
] as const;

/** Every value spec of the manifest, with where it is and the roots its templates may read. */
function* valuesOf(m: SqlManifest): Generator<readonly [string, ValueSpec, readonly string[]]> {
  const each = function* (where: string, specs: Record<string, unknown>, roots: readonly string[]) {
    for (const [key, spec] of Object.entries(specs)) {
      if (spec === undefined) continue;
      if (Array.isArray(spec)) {
        for (const [i, s] of spec.entries())
          yield [`${where}.${key}[${i}]`, s as ValueSpec, roots] as const;
      } else yield [`${where}.${key}`, spec as ValueSpec, roots] as const;
    }
  };
  yield* each('contacts.fields', m.contacts.fields, RECORD_ROOTS);
  yield* each('contacts.custom_fields', m.contacts.custom_fields, RECORD_ROOTS);
  if (m.contacts.custom_fields_from) {
    yield ['contacts.custom_fields_from', m.contacts.custom_fields_from, RECORD_ROOTS];
  }
  if (m.agents) yield* each('agents.fields', m.agents.fields, RECORD_ROOTS);
  for (const [i, s] of (m.interactions?.streams ?? []).entries()) {
    yield* each(`interactions.streams[${i}].fields`, s.fields, RECORD_ROOTS);
  }
  for (const [i, a] of m.actions.entries()) {
    if (a.insert) yield* each(`actions[${i}].insert.values`, a.insert.values, ACTION_ROOTS);
    if (a.update) {
      yield* each(`actions[${i}].update.set`, a.update.set, ACTION_ROOTS);
      yield [`actions[${i}].update.key.value`, a.update.key.value, ACTION_ROOTS];
    }
    for (const [n, then] of a.then_insert.entries()) {
      yield* each(`actions[${i}].then_insert[${n}].values`, then.values, ACTION_ROOTS);
    }
    yield* each(`actions[${i}].response`, a.response, ACTION_ROOTS);
  }
}

/** Why a pattern cannot be used on request data, if it cannot. */
function patternProblem(pattern: string): string | undefined {
  try {
    new RegExp(pattern, 'u');
  } catch (error) {
    return `not a regular expression (${(error as Error).message})`;
  }
  // Matched against request data: catastrophic backtracking would let a request stall the bridge.
  if (NESTED_QUANTIFIER.test(pattern)) return 'nests quantifiers, which can take exponential time';
  return undefined;
}

function crossCheck(m: SqlManifest): string[] {
  const out: string[] = [];
  for (const [where, spec, roots] of valuesOf(m)) {
    compileValue(
      { fail: (at, message) => out.push(`${at}: ${message}`), roots, expressionTimeoutMs: 1 },
      where,
      spec,
    );
  }
  const source = (where: string, s: { table?: string; query?: string; where: SqlFilter[] }) => {
    if ((s.table === undefined) === (s.query === undefined)) {
      out.push(`${where}: give \`table\` or \`query\`, exactly one`);
    }
    if (s.query !== undefined && !/^\s*(select|with)\b/i.test(s.query)) {
      out.push(`${where}.query: must be a SELECT (or WITH ... SELECT)`);
    }
    s.where.forEach((f, i) => {
      const given = (['equals', 'not_equals', 'in', 'is_null'] as const).filter(
        (k) => f[k] !== undefined,
      );
      if (given.length !== 1) {
        out.push(`${where}.where[${i}]: give exactly one of equals, not_equals, in, is_null`);
      }
    });
  };
  const time = (where: string, t: SqlTimeColumn) => {
    if (t.type === 'text' && (!t.format || !isDateFormat(t.format))) {
      out.push(`${where}.format: type text needs a pattern such as YYYY-MM-DD HH:mm:ss`);
    }
    if (t.type.startsWith('epoch') && t.format !== undefined) {
      out.push(`${where}.format: epoch columns are numbers and take no format`);
    }
    if (t.format !== undefined && !/YYYY/.test(t.format)) {
      out.push(`${where}.format: "${t.format}" is not a pattern of YYYY MM DD HH mm ss SSS`);
    }
  };
  const c = m.credentials;
  if (c.type === 'table') {
    source('credentials', c);
    if (!c.identity && c.secret.algorithm !== 'sha256') {
      out.push(
        'credentials.identity: is required unless secret.algorithm is sha256 (a table of API keys, looked up by hash)',
      );
    }
  } else if ((c.hashes_env === undefined) === (c.hashes_file === undefined)) {
    out.push('credentials: give `hashes_env` or `hashes_file`, exactly one');
  }
  const key = (where: string, id: SqlManifest['contacts']['id']) => {
    const columns = Array.isArray(id) ? id.map((k) => k.column) : [id.column];
    columns.forEach((column, i) => {
      if (columns.indexOf(column) !== i)
        out.push(`${where}[${i}].column: "${column}" is used twice`);
    });
    return columns.length;
  };
  const keyLength = key('contacts.id', m.contacts.id);
  source('contacts', m.contacts);
  if (m.contacts.index !== undefined && m.contacts.table === undefined) {
    out.push('contacts.index: names an index of `table` (a `query` has none)');
  }
  time('contacts.updated_at', m.contacts.updated_at);
  if (m.agents) {
    source('agents', m.agents);
    key('agents.id', m.agents.id);
    if (m.agents.paging === 'keyset' && Array.isArray(m.agents.id)) {
      out.push(
        'agents.paging: keyset needs one integer id column; a composite id is paged by offsets',
      );
    } else if (
      m.agents.paging === 'keyset' &&
      !Array.isArray(m.agents.id) &&
      m.agents.id.type !== 'integer'
    ) {
      out.push('agents.paging: keyset needs integer ids (agents.id.type: integer)');
    }
  }
  m.interactions?.lookup.tables.forEach((t, i) => {
    source(`interactions.lookup.tables[${i}]`, t);
    if (keyLength > 1) {
      out.push(
        `interactions.lookup.tables[${i}]: a lookup table names a contact by one column, and the contacts' key has ${keyLength}`,
      );
    }
  });
  m.interactions?.streams.forEach((s, i) => {
    source(`interactions.streams[${i}]`, s);
    const given = Array.isArray(s.contact_column) ? s.contact_column.length : 1;
    if (given !== keyLength) {
      out.push(
        `interactions.streams[${i}].contact_column: the contacts' key has ${keyLength} column(s), this names ${given}`,
      );
    }
    time(`interactions.streams[${i}].date`, s.date);
    if (s.types.length > 1 && !s.fields.type && !s.type_column) {
      out.push(
        `interactions.streams[${i}].fields.type: is required when the stream yields several types (or give type_column)`,
      );
    }
  });
  const names = new Set<string>();
  m.actions.forEach((a, i) => {
    if (names.has(a.name)) out.push(`actions[${i}].name: "${a.name}" is used twice`);
    names.add(a.name);
    if ((a.insert === undefined) === (a.update === undefined)) {
      out.push(`actions[${i}]: give \`insert\` or \`update\`, exactly one`);
    }
    for (const [column, form] of Object.entries((a.insert ?? a.update)?.now ?? {})) {
      if (!isDateFormat(form)) {
        out.push(
          `actions[${i}].${a.insert ? 'insert' : 'update'}.now.${column}: "${form}" is not a date format`,
        );
      }
    }
    const keys = new Set<string>();
    a.inputs.forEach((input, n) => {
      if (keys.has(input.key))
        out.push(`actions[${i}].inputs[${n}].key: "${input.key}" is used twice`);
      keys.add(input.key);
      if (input.pattern !== undefined) {
        const problem = patternProblem(input.pattern);
        if (problem) out.push(`actions[${i}].inputs[${n}].pattern: ${problem}`);
      }
    });
    a.then_insert.forEach((then, n) => {
      for (const column of then.unless_null) {
        if (!(column in then.values)) {
          out.push(
            `actions[${i}].then_insert[${n}].unless_null: "${column}" is not one of its values`,
          );
        }
      }
    });
  });
  if (m.connection.read_only === true && m.actions.length > 0) {
    out.push('connection.read_only: cannot be true with actions, which write');
  }
  const tenants = [
    m.credentials.type === 'table' ? m.credentials.tenant_column : undefined,
    m.contacts.tenant_column,
  ];
  if (m.credentials.type === 'table' && tenants[0] === undefined && tenants[1] !== undefined) {
    out.push(
      'contacts.tenant_column: needs credentials.tenant_column, which yields the tenant key',
    );
  }
  return out;
}
