import { compileValue } from '../../manifest-common/compile-value';
import {
  CompiledAction,
  CompiledBody,
  CompiledPaginator,
  CompiledRecordFilter,
  CompiledRequest,
  CompiledStream,
  CompiledValue,
} from './compiled';
import { Expression, ExpressionError } from './expression';
import { EXPRESSION_ESCAPE_NAMES, unescapedJoins } from './expression-escapes';
import { LimitsSchema } from './manifest.schema';
import {
  ActionSpec,
  Manifest,
  PaginatorSpec,
  RecordConditionSpec,
  RequestSpec,
  ValueSpec,
} from './manifest.types';
import { JsonPath, PathError } from './paths';
import { ActionInputSchema } from './schema/actions';
import { PaginatorSchema } from './schema/paginator';
import { RequestSchema } from './schema/request';
import { defaultOf } from './schema/schema-builder';
import { ESCAPING_FILTERS, Template, TemplateError } from './template';

/** The template roots each place of a manifest may read. */
export const ROOTS = {
  connection: ['auth'],
  authentication: ['auth'],
  sessionInject: ['auth', 'session'],
  credentialRequest: ['auth'],
  accountKey: ['auth', 'response'],
  listRequest: ['auth', 'limit', 'since', 'until'],
  fullListRequest: ['auth', 'limit'],
  lookupRequest: ['auth', 'lookup', 'limit'],
  streamRequest: ['auth', 'contact', 'lookup', 'limit'],
  childStreamRequest: ['auth', 'contact', 'lookup', 'limit', 'parent'],
  actionRequest: ['auth', 'data', 'meta'],
  health: [],
  recordValue: ['record', 'auth'],
  childRecordValue: ['record', 'auth', 'parent'],
  actionValue: ['record', 'auth', 'data', 'meta', 'headers'],
  enrichRequest: ['auth', 'value'],
} as const;

const IDEMPOTENT_METHODS = new Set(['GET', 'PUT', 'DELETE']);

/** Template roots whose values come from a Talkdesk request (or a found contact). */
const REQUEST_ROOTS = new Set(['lookup', 'data', 'meta', 'contact']);

/** The Talkdesk auth field an OAuth 2.0 integration is sent. */
const OAUTH_FIELDS = ['access_token'];

/**
 * The parts every section of a manifest is compiled from (templates, paths, expressions,
 * requests, values, paginators, streams, actions), each mistake collected with its path.
 */
export class PartsCompiler {
  readonly errors: string[] = [];
  /** The first request naming each pacing key: the others must declare the same limit. */
  private readonly pacingKeys = new Map<string, { where: string; requests: number; ms: number }>();
  protected expressionTimeoutMs = defaultOf(LimitsSchema, 'expression_timeout_ms');

  constructor(protected readonly m: Manifest) {}

  protected fail(where: string, message: string): void {
    this.errors.push(`${where}: ${message}`);
  }

  /** The auth fields templates may read: the declared ones (and OAuth 2.0's token). */
  private get authFields(): Set<string> {
    const fields = (this.m.talkdesk?.authentication_fields ?? []).map((f) => f.field_name);
    return new Set(
      this.m.talkdesk?.authentication_type === 'oauth2' ? [...fields, ...OAUTH_FIELDS] : fields,
    );
  }

  /** A template may read only the declared auth fields. */
  private checkAuthFields(where: string, template: Template): void {
    const declared = this.authFields;
    for (const p of template.placeholders()) {
      if (p.root === 'auth' && p.key !== undefined && !declared.has(p.key)) {
        this.fail(
          where,
          `{{ ${p.source} }} reads auth.${p.key}, which is not an authentication field (declared: ${[...declared].join(', ') || 'none'})`,
        );
      }
    }
  }

  protected template(where: string, source: string, roots: readonly string[]): Template {
    try {
      const template = new Template(source, roots);
      this.checkAuthFields(where, template);
      return template;
    } catch (error) {
      if (!(error instanceof TemplateError)) throw error;
      this.fail(where, error.message);
      return new Template('', roots);
    }
  }

  protected path(where: string, source: string): JsonPath {
    try {
      return new JsonPath(source);
    } catch (error) {
      if (!(error instanceof PathError)) throw error;
      this.fail(where, error.message);
      return new JsonPath('');
    }
  }

  protected expression(where: string, source: string): Expression | undefined {
    try {
      return new Expression(source, this.expressionTimeoutMs);
    } catch (error) {
      if (!(error instanceof ExpressionError)) throw error;
      this.fail(where, error.message);
      return undefined;
    }
  }

  protected requestReads(request: CompiledRequest, root: string): boolean {
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

  /**
   * A template of a request. A value from a Talkdesk request (`lookup`, `data`, `meta`,
   * `contact`) written among other text (`q: "email:{{ lookup.email }}"`, a SOQL or OData
   * filter) must go through the escaping filter of the language it lands in; a whole value, or
   * a whole path segment, is encoded by the request itself.
   */
  private requestTemplate(
    where: string,
    source: string,
    roots: readonly string[],
    kind: 'path' | 'text',
  ): Template {
    const template = this.template(where, source, roots);
    if (template.isSingle) return template;
    for (const p of template.placeholders()) {
      if (!REQUEST_ROOTS.has(p.root)) continue;
      if (ESCAPING_FILTERS.has(p.filters[p.filters.length - 1] ?? '')) continue;
      const segment = /(^|\/)$/.test(p.before) && /^($|[/?#])/.test(p.after);
      if (kind === 'path' && segment) continue;
      this.fail(
        where,
        `{{ ${p.source} }} places a value from the request inside other text: end it with the escaping filter of the language it lands in (${[...ESCAPING_FILTERS].join(', ')}), or make it the whole value`,
      );
    }
    return template;
  }

  request(where: string, spec: RequestSpec, roots: readonly string[]): CompiledRequest {
    const method = spec.method ?? defaultOf(RequestSchema, 'method');
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
      ...(spec.path !== undefined && {
        path: this.requestTemplate(`${where}.path`, spec.path, roots, 'path'),
      }),
      ...(spec.url !== undefined && {
        url: this.requestTemplate(`${where}.url`, spec.url, roots, 'path'),
      }),
      query: Object.entries(spec.query ?? {}).flatMap(([name, value]) =>
        (Array.isArray(value) ? value : [value]).map((item, i): [string, Template] => [
          name,
          this.requestTemplate(
            `${where}.query.${name}${Array.isArray(value) ? `[${i}]` : ''}`,
            String(item),
            roots,
            'text',
          ),
        ]),
      ),
      headers: Object.entries(spec.headers ?? {}).map(([name, value]) => [
        name,
        this.requestTemplate(`${where}.headers.${name}`, value, roots, 'text'),
      ]),
      ...(spec.body !== undefined && { body: this.body(`${where}.body`, spec.body, roots) }),
      ...(spec.body_expression !== undefined && {
        bodyExpression: this.bodyExpression(
          `${where}.body_expression`,
          spec.body_expression,
          roots,
        ),
      }),
      bodyFormat: spec.body_format ?? defaultOf(RequestSchema, 'body_format'),
      idempotent: spec.idempotent ?? IDEMPOTENT_METHODS.has(method),
      ...(spec.pacing && { pacing: this.requestPacing(`${where}.pacing`, spec.pacing) }),
    };
  }

  private requestPacing(where: string, spec: NonNullable<RequestSpec['pacing']>) {
    const pacing = { requests: spec.requests, intervalMs: spec.interval_ms };
    if (spec.key === undefined) return pacing;
    const first = this.pacingKeys.get(spec.key);
    if (!first) {
      this.pacingKeys.set(spec.key, { where, requests: spec.requests, ms: spec.interval_ms });
    } else if (first.requests !== spec.requests || first.ms !== spec.interval_ms) {
      this.fail(
        where,
        `shares the key "${spec.key}" with ${first.where}, which allows ${first.requests} per ${first.ms} ms: one key, one limit`,
      );
    }
    return { ...pacing, key: spec.key };
  }

  /**
   * A request body built by JSONata: as with templates, a value from a Talkdesk request joined
   * into text (`"Email = '" & data.email & "'"`) must go through an escaping function first
   * (`$soql(data.email)`); a whole value needs none.
   */
  private bodyExpression(where: string, source: string, roots: readonly string[]) {
    const expression = this.expression(where, source);
    if (!expression) return undefined;
    const fromRequest = new Set(roots.filter((r) => REQUEST_ROOTS.has(r)));
    for (const place of unescapedJoins(expression.ast(), fromRequest)) {
      this.fail(
        where,
        `${place}: pass it through the escaping function of the language it lands in (${EXPRESSION_ESCAPE_NAMES.map((n) => `$${n}`).join(', ')}), or make it a whole value`,
      );
    }
    return expression;
  }

  private body(where: string, value: unknown, roots: readonly string[]): CompiledBody {
    if (typeof value === 'string') {
      return { kind: 'template', template: this.requestTemplate(where, value, roots, 'text') };
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
    return compileValue(
      {
        fail: (at, message) => this.fail(at, message),
        roots,
        expressionTimeoutMs: this.expressionTimeoutMs,
        checkTemplate: (at, template) => this.checkAuthFields(at, template),
      },
      where,
      spec,
    );
  }

  protected paginator(where: string, spec: PaginatorSpec | undefined): CompiledPaginator {
    const p = spec ?? { type: 'none' as const };
    const path = (key: keyof PaginatorSpec) => {
      const source = p[key];
      return typeof source === 'string' ? this.path(`${where}.${key}`, source) : undefined;
    };
    return {
      type: p.type,
      ...(p.page_size !== undefined && { pageSize: p.page_size }),
      ...(p.page_size_param !== undefined && { pageSizeParam: p.page_size_param }),
      paramIn: p.param_in ?? defaultOf(PaginatorSchema, 'param_in'),
      pageParam: p.page_param ?? defaultOf(PaginatorSchema, 'page_param'),
      startPage: p.start_page ?? defaultOf(PaginatorSchema, 'start_page'),
      offsetParam: p.offset_param ?? defaultOf(PaginatorSchema, 'offset_param'),
      startOffset: p.start_offset ?? defaultOf(PaginatorSchema, 'start_offset'),
      cursorParam: p.cursor_param ?? defaultOf(PaginatorSchema, 'cursor_param'),
      ...(p.cursor_path !== undefined && { cursorPath: path('cursor_path') }),
      ...(p.cursor_header !== undefined && { cursorHeader: p.cursor_header.toLowerCase() }),
      ...(p.next_url_path !== undefined && { nextUrlPath: path('next_url_path') }),
      rel: p.rel ?? defaultOf(PaginatorSchema, 'rel'),
      ...(p.has_more_path !== undefined && { hasMorePath: path('has_more_path') }),
      ...(p.last_page_path !== undefined && { lastPagePath: path('last_page_path') }),
      ...(p.total_records_path !== undefined && { totalRecordsPath: path('total_records_path') }),
      ...(p.total_pages_path !== undefined && { totalPagesPath: path('total_pages_path') }),
      stopOnShortPage: p.stop_on_short_page ?? defaultOf(PaginatorSchema, 'stop_on_short_page'),
    };
  }

  protected stream(
    where: string,
    spec: {
      request: RequestSpec;
      record_selector?: string;
      paginator?: PaginatorSpec;
      fields: Record<string, ValueSpec>;
      record_filter?: RecordConditionSpec[];
    },
    roots: readonly string[],
    valueRoots: readonly string[] = ROOTS.recordValue,
  ): CompiledStream {
    return {
      ...(spec.record_filter && {
        recordFilter: this.recordFilter(`${where}.record_filter`, spec.record_filter),
      }),
      where,
      request: this.request(`${where}.request`, spec.request, roots),
      selector: this.path(`${where}.record_selector`, spec.record_selector ?? ''),
      paginator: this.paginator(`${where}.paginator`, spec.paginator),
      fields: Object.fromEntries(
        Object.entries(spec.fields).map(([key, value]) => [
          key,
          this.value(`${where}.fields.${key}`, value, valueRoots),
        ]),
      ),
    };
  }

  private recordFilter(where: string, conditions: RecordConditionSpec[]): CompiledRecordFilter {
    return {
      conditions: conditions.map((c, i) => {
        if (c.in === undefined && c.not_in === undefined) {
          this.fail(`${where}[${i}]`, 'needs `in`, `not_in` or both');
        }
        return {
          path: this.path(`${where}[${i}].path`, c.path),
          ...(c.in && { in: c.in }),
          ...(c.not_in && { notIn: c.not_in }),
        };
      }),
    };
  }

  protected action(spec: ActionSpec, where: string): CompiledAction {
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
        mandatory: i.mandatory ?? defaultOf(ActionInputSchema, 'mandatory'),
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
