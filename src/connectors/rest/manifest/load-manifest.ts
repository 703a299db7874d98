import { readFileSync } from 'node:fs';
import { extname } from 'node:path';
import Ajv, { ErrorObject } from 'ajv';
import { parseDocument } from 'yaml';
import { ConfigError } from '../../../common/config-error';
import {
  CompiledAction,
  CompiledBody,
  CompiledField,
  CompiledLookup,
  CompiledManifest,
  CompiledPaginator,
  CompiledRequest,
  CompiledStream,
  CompiledValue,
} from './compiled';
import { isDateFormat, updatePrecisionMs } from './dates';
import { Expression, ExpressionError } from './expression';
import { MANIFEST_SCHEMA } from './manifest.schema';
import {
  ActionSpec,
  AuthenticationSpec,
  LookupSpec,
  Manifest,
  PaginatorSpec,
  RequestSpec,
  ValueSpec,
} from './manifest.types';
import { JsonPath, PathError } from './paths';
import { Template, TemplateError } from './template';

/** A manifest that cannot be used; the message lists every mistake with its path. */
export class ManifestError extends ConfigError {}

export interface LoadManifestOptions {
  /** Replaces connection.base_url (CONNECTOR_BASE_URL). */
  baseUrl?: string;
}

/** The template roots each place of a manifest may read. */
export const ROOTS = {
  connection: ['auth'],
  authentication: ['auth'],
  sessionInject: ['auth', 'session'],
  credentialRequest: ['auth'],
  accountKey: ['auth', 'response'],
  listRequest: ['auth', 'limit', 'since', 'until'],
  lookupRequest: ['auth', 'lookup', 'limit'],
  streamRequest: ['auth', 'contact', 'lookup', 'limit'],
  actionRequest: ['auth', 'data', 'meta'],
  health: [],
  recordValue: ['record', 'auth'],
  actionValue: ['record', 'auth', 'data', 'meta'],
} as const;

const DEFAULT_RETRY_STATUSES = [408, 425, 429, 500, 502, 503, 504];

let validator: ReturnType<Ajv['compile']> | undefined;

function validate(document: unknown): ErrorObject[] {
  validator ??= new Ajv({ allErrors: true, verbose: true, strict: false }).compile(MANIFEST_SCHEMA);
  return validator(document) ? [] : [...(validator.errors ?? [])];
}

/** `/actions/0/inputs/1/key` → `actions[0].inputs[1].key`. */
function dotted(pointer: string): string {
  if (!pointer) return '(top level)';
  return pointer
    .split('/')
    .slice(1)
    .map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~'))
    .reduce(
      (out, part) => (/^\d+$/.test(part) ? `${out}[${part}]` : out ? `${out}.${part}` : part),
      '',
    );
}

const join = (base: string, key: string) => (base === '(top level)' ? key : `${base}.${key}`);

/** ajv's errors as "path: what was expected" lines, without the noise of its combinators. */
export function describeSchemaErrors(errors: ErrorObject[]): string[] {
  const out: string[] = [];
  for (const error of errors) {
    const at = dotted(error.instancePath);
    const params = error.params as Record<string, unknown>;
    switch (error.keyword) {
      case 'if':
        continue;
      case 'required':
        if (error.schemaPath.includes('/anyOf/')) continue;
        out.push(`${join(at, String(params.missingProperty))}: is required`);
        continue;
      case 'anyOf': {
        const options = (error.schema as { required?: string[] }[])
          .flatMap((s) => s.required ?? [])
          .join(' or ');
        out.push(`${at}: needs ${options || 'one of the allowed shapes'}`);
        continue;
      }
      case 'additionalProperties': {
        const known = Object.keys(
          ((error.parentSchema as { properties?: object })?.properties ?? {}) as object,
        );
        out.push(
          `${join(at, String(params.additionalProperty))}: unknown key${known.length ? ` (expected one of: ${known.join(', ')})` : ''}`,
        );
        continue;
      }
      case 'enum':
        out.push(
          `${at}: must be one of ${(params.allowedValues as unknown[]).map(String).join(', ')} (got ${JSON.stringify(error.data)})`,
        );
        continue;
      case 'const':
        out.push(`${at}: must be ${JSON.stringify(params.allowedValue)}`);
        continue;
      case 'type':
        out.push(
          `${at}: must be ${String(params.type).replace(',', ' or ')} (got ${kindOf(error.data)})`,
        );
        continue;
      default:
        out.push(`${at}: ${error.message ?? 'is not valid'}`);
    }
  }
  return [...new Set(out)];
}

const kindOf = (value: unknown) =>
  value === null ? 'null' : Array.isArray(value) ? 'a list' : typeof value;

/** Reads, validates and compiles a manifest file (YAML or JSON); throws ManifestError. */
export function loadManifest(file: string, options: LoadManifestOptions = {}): CompiledManifest {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new ManifestError(
      `The connector manifest ${file} cannot be read: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
    );
  }
  return compileManifestText(text, file, options);
}

/** Parses manifest text (YAML, of which JSON is a subset) and compiles it. */
export function compileManifestText(
  text: string,
  file: string,
  options: LoadManifestOptions = {},
): CompiledManifest {
  let document: unknown;
  if (extname(file).toLowerCase() === '.json') {
    try {
      document = JSON.parse(text);
    } catch (error) {
      throw new ManifestError(
        `The connector manifest ${file} is not JSON: ${(error as Error).message}`,
      );
    }
  } else {
    const parsed = parseDocument(text, { uniqueKeys: true, prettyErrors: true });
    if (parsed.errors.length > 0) {
      throw new ManifestError(
        `The connector manifest ${file} is not valid YAML:\n${parsed.errors.map((e) => `  - ${e.message}`).join('\n')}`,
      );
    }
    document = parsed.toJS({ maxAliasCount: 100 });
  }
  return compileManifest(document, file, options);
}

/** Validates a parsed manifest against the schema, then compiles it; throws ManifestError. */
export function compileManifest(
  document: unknown,
  file: string,
  options: LoadManifestOptions = {},
): CompiledManifest {
  const schemaErrors = describeSchemaErrors(validate(document));
  if (schemaErrors.length > 0) throw manifestError(file, schemaErrors);
  const compiler = new Compiler(document as Manifest);
  const compiled = compiler.compile(file, options);
  if (compiler.errors.length > 0) throw manifestError(file, compiler.errors);
  return compiled;
}

function manifestError(file: string, mistakes: string[]): ManifestError {
  return new ManifestError(
    `The connector manifest ${file} has ${mistakes.length} mistake${mistakes.length === 1 ? '' : 's'}:\n${mistakes.map((m) => `  - ${m}`).join('\n')}`,
  );
}

const IDEMPOTENT_METHODS = new Set(['GET', 'PUT', 'DELETE']);

class Compiler {
  readonly errors: string[] = [];
  private expressionTimeoutMs = 250;

  constructor(private readonly m: Manifest) {}

  private fail(where: string, message: string): void {
    this.errors.push(`${where}: ${message}`);
  }

  private template(where: string, source: string, roots: readonly string[]): Template {
    try {
      return new Template(source, roots);
    } catch (error) {
      if (!(error instanceof TemplateError)) throw error;
      this.fail(where, error.message);
      return new Template('', roots);
    }
  }

  private path(where: string, source: string): JsonPath {
    try {
      return new JsonPath(source);
    } catch (error) {
      if (!(error instanceof PathError)) throw error;
      this.fail(where, error.message);
      return new JsonPath('');
    }
  }

  private expression(where: string, source: string): Expression | undefined {
    try {
      return new Expression(source, this.expressionTimeoutMs);
    } catch (error) {
      if (!(error instanceof ExpressionError)) throw error;
      this.fail(where, error.message);
      return undefined;
    }
  }

  compile(file: string, options: LoadManifestOptions): CompiledManifest {
    const m = this.m;
    this.expressionTimeoutMs = m.limits?.expression_timeout_ms ?? 250;
    const baseUrlSource = options.baseUrl ?? m.connection.base_url;
    if (!/^https?:\/\/[^/]/i.test(baseUrlSource)) {
      this.fail(
        'connection.base_url',
        `must start with http:// or https:// (got "${baseUrlSource}")`,
      );
    }
    const authenticationFields = this.fields();
    const compiled: CompiledManifest = {
      file,
      name: m.name,
      authenticationType: m.talkdesk?.authentication_type ?? 'custom',
      authenticationFields,
      baseUrl: this.template('connection.base_url', baseUrlSource, ROOTS.connection),
      headers: Object.entries(m.connection.headers ?? {}).map(([name, value]) => [
        name,
        this.template(`connection.headers.${name}`, value, ROOTS.connection),
      ]),
      maxResponseBytes: m.connection.max_response_bytes ?? 16 * 1024 * 1024,
      authentication: this.authentication(m.authentication ?? { type: 'none' }),
      retryStatuses: new Set(m.retry?.statuses ?? DEFAULT_RETRY_STATUSES),
      maxPagesPerCall: m.limits?.max_pages_per_call ?? 20,
      actions: (m.actions ?? []).map((a, i) => this.action(a, `actions[${i}]`)),
    };
    if (m.health) {
      compiled.health = this.request('health.request', m.health.request, ROOTS.health);
      if (!m.health.request.url && compiled.baseUrl.roots.has('auth')) {
        this.fail(
          'health.request',
          'connection.base_url needs auth fields, which the probe does not have: give an absolute `url`',
        );
      }
    }
    if (m.credential_check) {
      const c = m.credential_check;
      compiled.credentialCheck = {
        request: this.request('credential_check.request', c.request, ROOTS.credentialRequest),
        rejectStatuses: new Set([401, 403, ...(c.reject_statuses ?? [])]),
        ...(c.account_key && {
          accountKey: this.template(
            'credential_check.account_key',
            c.account_key,
            ROOTS.accountKey,
          ),
        }),
        fieldsToStore: Object.entries(c.fields_to_store ?? {}).map(([key, spec]) => [
          key,
          this.value(`credential_check.fields_to_store.${key}`, spec, ROOTS.recordValue),
        ]),
      };
      const declared = new Map(authenticationFields.map((f) => [f.field_name, f]));
      for (const key of Object.keys(c.fields_to_store ?? {})) {
        const field = declared.get(key);
        if (m.talkdesk?.authentication_fields && field?.source !== 'auth_validation') {
          this.fail(
            `credential_check.fields_to_store.${key}`,
            'must be declared in talkdesk.authentication_fields with source auth_validation',
          );
        }
      }
    }
    if (m.contacts) {
      const stream = this.stream('contacts', m.contacts, ROOTS.listRequest);
      const inc = m.contacts.incremental;
      compiled.contacts = stream;
      if (inc) {
        const format = inc.format ?? 'iso';
        if (!isDateFormat(format)) {
          this.fail('contacts.incremental.format', `"${format}" is not a date format`);
        }
        if (!m.contacts.fields.updated_at) {
          this.fail('contacts.fields.updated_at', 'is required with contacts.incremental');
        }
        const usesSince = this.requestReads(stream.request, 'since');
        if (!inc.param && !usesSince) {
          this.fail(
            'contacts.incremental',
            'needs `param`, or a request template that uses {{ since }}',
          );
        }
        compiled.contacts = {
          ...stream,
          incremental: {
            ...(inc.param && { param: inc.param }),
            paramIn: inc.param_in ?? 'query',
            format,
            ...(inc.until_param && { untilParam: inc.until_param }),
            inclusive: inc.inclusive ?? true,
            lookbackMs: (inc.lookback_seconds ?? 0) * 1000,
            precisionMs: updatePrecisionMs(
              stream.fields.updated_at?.format,
              inc.until_param ? format : undefined,
            ),
          },
        };
      }
    }
    if (m.agents) compiled.agents = this.stream('agents', m.agents, ROOTS.listRequest);
    if (m.interactions) {
      const i = m.interactions;
      const lookup = (key: 'by_id' | 'by_email' | 'by_phone'): CompiledLookup | undefined => {
        const spec: LookupSpec | undefined = i.contact?.[key];
        if (!spec) return undefined;
        const where = `interactions.contact.${key}`;
        return {
          where,
          request: this.request(`${where}.request`, spec.request, ROOTS.lookupRequest),
          selector: this.path(`${where}.record_selector`, spec.record_selector ?? ''),
          notFound: new Set(spec.not_found_statuses ?? [404]),
        };
      };
      compiled.interactions = {
        types: i.types,
        byId: lookup('by_id'),
        byEmail: lookup('by_email'),
        byPhone: lookup('by_phone'),
        idField: this.path('interactions.contact.id_field', i.contact?.id_field ?? 'id'),
        notFound: new Set(i.not_found_statuses ?? [404]),
        streams: i.streams.map((s, n) => {
          const where = `interactions.streams[${n}]`;
          for (const type of s.types) {
            if (!i.types.includes(type)) {
              this.fail(`${where}.types`, `"${type}" is not one of interactions.types`);
            }
          }
          if (s.types.length > 1 && !s.fields.type) {
            this.fail(`${where}.fields.type`, 'is required when the stream yields several types');
          }
          return {
            ...this.stream(where, s, ROOTS.streamRequest),
            types: s.types,
            maxPages: s.max_pages ?? 3,
          };
        }),
      };
    }
    const names = new Set<string>();
    for (const [n, action] of (m.actions ?? []).entries()) {
      if (names.has(action.name)) this.fail(`actions[${n}].name`, `"${action.name}" is used twice`);
      names.add(action.name);
    }
    if (
      compiled.authenticationType === 'custom' &&
      authenticationFields.length === 0 &&
      compiled.authentication.type !== 'none'
    ) {
      this.fail(
        'talkdesk.authentication_fields',
        'is required with authentication_type custom: list the fields Talkdesk asks the user for',
      );
    }
    return compiled;
  }

  private fields(): CompiledField[] {
    const seen = new Set<string>();
    return (this.m.talkdesk?.authentication_fields ?? []).map((f, i) => {
      if (seen.has(f.field_name)) {
        this.fail(
          `talkdesk.authentication_fields[${i}].field_name`,
          `"${f.field_name}" is used twice`,
        );
      }
      seen.add(f.field_name);
      return {
        field_name: f.field_name,
        display: f.display,
        source: f.source ?? 'input',
        type: f.type ?? 'input',
        mandatory: f.mandatory ?? true,
        store: f.store ?? true,
        ...(f.help !== undefined && { help: f.help }),
        ...(f.format !== undefined && { format: f.format }),
        secret: f.secret ?? true,
      };
    });
  }

  private authentication(spec: AuthenticationSpec) {
    const w = 'authentication';
    const t = (key: string, source: string, roots: readonly string[] = ROOTS.authentication) =>
      this.template(`${w}.${key}`, source, roots);
    switch (spec.type) {
      case 'none':
        return { type: 'none' as const };
      case 'basic':
        return {
          type: 'basic' as const,
          username: t('username', spec.username),
          password: t('password', spec.password),
        };
      case 'bearer':
        return {
          type: 'bearer' as const,
          token: t('token', spec.token),
          header: spec.header ?? 'Authorization',
          prefix: spec.prefix ?? 'Bearer',
        };
      case 'api_key':
        return {
          type: 'api_key' as const,
          in: spec.in,
          name: spec.name,
          value: t('value', spec.value),
        };
      case 'session':
        if (!spec.token_path && !spec.token_header) {
          this.fail(
            w,
            'a session needs token_path or token_header: where the login answer holds the token',
          );
        }
        return {
          type: 'session' as const,
          login: this.request(`${w}.login`, spec.login, ROOTS.authentication),
          ...(spec.token_path && { tokenPath: this.path(`${w}.token_path`, spec.token_path) }),
          ...(spec.token_header && { tokenHeader: spec.token_header.toLowerCase() }),
          ...(spec.expires_in_path && {
            expiresInPath: this.path(`${w}.expires_in_path`, spec.expires_in_path),
          }),
          ttlMs: (spec.ttl_seconds ?? 900) * 1000,
          rejectStatuses: new Set(spec.reject_statuses ?? [400, 401, 403]),
          inject: {
            in: spec.inject.in,
            name: spec.inject.name,
            value: t('inject.value', spec.inject.value, ROOTS.sessionInject),
          },
        };
    }
  }

  private requestReads(request: CompiledRequest, root: string): boolean {
    const templates: Template[] = [
      ...(request.path ? [request.path] : []),
      ...(request.url ? [request.url] : []),
      ...request.query.map(([, t]) => t),
      ...request.headers.map(([, t]) => t),
    ];
    const walk = (body: CompiledBody | undefined): boolean => {
      if (!body) return false;
      switch (body.kind) {
        case 'template':
          return body.template.roots.has(root);
        case 'array':
          return body.items.some(walk);
        case 'object':
          return body.entries.some(([, b]) => walk(b));
        default:
          return false;
      }
    };
    return (
      templates.some((t) => t.roots.has(root)) || walk(request.body) || !!request.bodyExpression
    );
  }

  request(where: string, spec: RequestSpec, roots: readonly string[]): CompiledRequest {
    const method = spec.method ?? 'GET';
    if (spec.path !== undefined && spec.url !== undefined) {
      this.fail(where, 'give `path` or `url`, not both');
    }
    if (spec.body !== undefined && spec.body_expression !== undefined) {
      this.fail(where, 'give `body` or `body_expression`, not both');
    }
    if (spec.url !== undefined && !/^https?:\/\/[^/]/i.test(spec.url)) {
      this.fail(`${where}.url`, 'must start with http:// or https://');
    }
    if (spec.body_format === 'form' && spec.body !== undefined) {
      const flat =
        typeof spec.body === 'object' &&
        spec.body !== null &&
        !Array.isArray(spec.body) &&
        Object.values(spec.body).every((v) => typeof v !== 'object' || v === null);
      if (!flat) this.fail(`${where}.body`, 'a form body must be an object of plain values');
    }
    return {
      where,
      method,
      ...(spec.path !== undefined && { path: this.template(`${where}.path`, spec.path, roots) }),
      ...(spec.url !== undefined && { url: this.template(`${where}.url`, spec.url, roots) }),
      query: Object.entries(spec.query ?? {}).map(([name, value]) => [
        name,
        this.template(`${where}.query.${name}`, String(value), roots),
      ]),
      headers: Object.entries(spec.headers ?? {}).map(([name, value]) => [
        name,
        this.template(`${where}.headers.${name}`, value, roots),
      ]),
      ...(spec.body !== undefined && { body: this.body(`${where}.body`, spec.body, roots) }),
      ...(spec.body_expression !== undefined && {
        bodyExpression: this.expression(`${where}.body_expression`, spec.body_expression),
      }),
      bodyFormat: spec.body_format ?? 'json',
      idempotent: spec.idempotent ?? IDEMPOTENT_METHODS.has(method),
    };
  }

  private body(where: string, value: unknown, roots: readonly string[]): CompiledBody {
    if (typeof value === 'string') {
      return { kind: 'template', template: this.template(where, value, roots) };
    }
    if (Array.isArray(value)) {
      return { kind: 'array', items: value.map((v, i) => this.body(`${where}[${i}]`, v, roots)) };
    }
    if (typeof value === 'object' && value !== null) {
      return {
        kind: 'object',
        entries: Object.entries(value).map(([k, v]) => [k, this.body(`${where}.${k}`, v, roots)]),
      };
    }
    return { kind: 'literal', value };
  }

  value(where: string, spec: ValueSpec, roots: readonly string[]): CompiledValue {
    if (typeof spec === 'string')
      return { where, source: { kind: 'path', path: this.path(where, spec) } };
    const sources = (['path', 'template', 'expression', 'value'] as const).filter(
      (key) => spec[key] !== undefined,
    );
    if (sources.length !== 1) {
      this.fail(
        where,
        sources.length === 0
          ? 'needs one of path, template, expression or value'
          : `give only one of ${sources.join(', ')}`,
      );
    }
    let source: CompiledValue['source'] = { kind: 'value', value: undefined };
    if (spec.path !== undefined)
      source = { kind: 'path', path: this.path(`${where}.path`, spec.path) };
    else if (spec.template !== undefined) {
      source = {
        kind: 'template',
        template: this.template(`${where}.template`, spec.template, roots),
      };
    } else if (spec.expression !== undefined) {
      const expression = this.expression(`${where}.expression`, spec.expression);
      if (expression) source = { kind: 'expression', expression };
    } else if (spec.value !== undefined) source = { kind: 'value', value: spec.value };
    if (spec.format !== undefined && spec.format !== 'auto' && !isDateFormat(spec.format)) {
      this.fail(`${where}.format`, `"${spec.format}" is not a date format`);
    }
    return {
      where,
      source,
      ...(spec.map && {
        map: new Map(Object.entries(spec.map).map(([k, v]) => [k.trim().toLowerCase(), v])),
      }),
      ...(spec.map_default !== undefined && { mapDefault: { value: spec.map_default } }),
      ...(spec.default !== undefined && { fallback: { value: spec.default } }),
      ...(spec.format !== undefined && { format: spec.format }),
    };
  }

  private paginator(where: string, spec: PaginatorSpec | undefined): CompiledPaginator {
    const p = spec ?? { type: 'none' as const };
    const path = (key: keyof PaginatorSpec) => {
      const source = p[key];
      return typeof source === 'string' ? this.path(`${where}.${key}`, source) : undefined;
    };
    return {
      type: p.type,
      ...(p.page_size !== undefined && { pageSize: p.page_size }),
      ...(p.page_size_param !== undefined && { pageSizeParam: p.page_size_param }),
      paramIn: p.param_in ?? 'query',
      pageParam: p.page_param ?? 'page',
      startPage: p.start_page ?? 1,
      offsetParam: p.offset_param ?? 'offset',
      startOffset: p.start_offset ?? 0,
      cursorParam: p.cursor_param ?? 'cursor',
      ...(p.cursor_path !== undefined && { cursorPath: path('cursor_path') }),
      ...(p.cursor_header !== undefined && { cursorHeader: p.cursor_header.toLowerCase() }),
      ...(p.next_url_path !== undefined && { nextUrlPath: path('next_url_path') }),
      rel: p.rel ?? 'next',
      ...(p.has_more_path !== undefined && { hasMorePath: path('has_more_path') }),
      ...(p.last_page_path !== undefined && { lastPagePath: path('last_page_path') }),
      ...(p.total_records_path !== undefined && { totalRecordsPath: path('total_records_path') }),
      ...(p.total_pages_path !== undefined && { totalPagesPath: path('total_pages_path') }),
      stopOnShortPage: p.stop_on_short_page ?? true,
    };
  }

  private stream(
    where: string,
    spec: {
      request: RequestSpec;
      record_selector?: string;
      paginator?: PaginatorSpec;
      fields: Record<string, ValueSpec>;
    },
    roots: readonly string[],
  ): CompiledStream {
    return {
      where,
      request: this.request(`${where}.request`, spec.request, roots),
      selector: this.path(`${where}.record_selector`, spec.record_selector ?? ''),
      paginator: this.paginator(`${where}.paginator`, spec.paginator),
      fields: Object.fromEntries(
        Object.entries(spec.fields).map(([key, value]) => [
          key,
          this.value(`${where}.fields.${key}`, value, ROOTS.recordValue),
        ]),
      ),
    };
  }

  private action(spec: ActionSpec, where: string): CompiledAction {
    const keys = new Set<string>();
    for (const [i, input] of (spec.inputs ?? []).entries()) {
      if (keys.has(input.key))
        this.fail(`${where}.inputs[${i}].key`, `"${input.key}" is used twice`);
      keys.add(input.key);
    }
    return {
      name: spec.name,
      display: spec.display,
      description: spec.description,
      inputs: (spec.inputs ?? []).map((i) => ({
        key: i.key,
        name: i.name,
        mandatory: i.mandatory ?? false,
      })),
      requires: spec.requires ?? [],
      request: this.request(`${where}.request`, spec.request, ROOTS.actionRequest),
      response: Object.fromEntries(
        Object.entries(spec.response ?? {}).map(([key, value]) => [
          key,
          this.value(`${where}.response.${key}`, value, ROOTS.actionValue),
        ]),
      ),
      ...(spec.error_message_path && {
        errorMessagePath: this.path(`${where}.error_message_path`, spec.error_message_path),
      }),
    };
  }
}
