import {
  CompiledEnrichment,
  CompiledField,
  CompiledLookup,
  CompiledManifest,
  CompiledSlice,
  EnrichableField,
} from './compiled';
import { granularityMs, isDateFormat, updatePrecisionMs } from './dates';
import { LimitsSchema, RetrySchema } from './manifest.schema';
import {
  AuthenticationSpec,
  ContactsSpec,
  IncrementalSpec,
  InteractionStreamSpec,
  LookupSpec,
} from './manifest.types';
import { EnrichmentSchema } from './schema/records';
import { PartsCompiler, ROOTS } from './parts-compiler';
import { CredentialCheckSchema } from './schema/actions';
import { BearerAuthSchema, SessionAuthSchema } from './schema/authentication';
import { defaultOf } from './schema/schema-builder';
import {
  IncrementalSchema,
  InteractionsContactSchema,
  InteractionsSchema,
  ForEachSchema,
  InteractionStreamSchema,
  LookupSchema,
  SliceSchema,
} from './schema/streams';
import { AuthenticationFieldSchema, ConnectionSchema, TalkdeskSchema } from './schema/talkdesk';
import { HostPattern, parseHostPattern } from './host-patterns';

export interface LoadManifestOptions {
  /** Replaces connection.base_url (CONNECTOR_BASE_URL). */
  baseUrl?: string;
}

/** A manifest valid against the schema, compiled section by section with the checks the schema cannot say. */
export class ManifestCompiler extends PartsCompiler {
  /**
   * `connection.base_url`: a fixed URL, or one starting with an auth field's URL
   * (`{{ auth.instance_url }}/services/data/v62.0`), which then needs `allowed_hosts`.
   */
  private baseUrl(
    source: string,
    fields: CompiledManifest['authenticationFields'],
  ): { url: CompiledManifest['baseUrl']; origin?: CompiledManifest['baseOrigin'] } {
    const where = 'connection.base_url';
    const allowed = this.m.connection.allowed_hosts ?? [];
    const fromField = /^\{\{\s*auth\.([A-Za-z_][A-Za-z0-9_]*)\s*\}\}(.*)$/s.exec(source);
    if (!fromField) {
      if (!/^https?:\/\/[^/]/i.test(source)) {
        this.fail(where, `must start with http:// or https:// (got "${source}")`);
      }
      if (allowed.length > 0) {
        this.fail(
          'connection.allowed_hosts',
          'applies only to a base_url starting with {{ auth.<field> }}',
        );
      }
      return { url: this.template(where, source, ROOTS.connection) };
    }
    const [, field, rest] = fromField;
    if (!fields.some((f) => f.field_name === field)) {
      this.fail(
        where,
        `reads auth.${field}, which talkdesk.authentication_fields does not declare`,
      );
    }
    if (rest !== '' && !rest.startsWith('/'))
      this.fail(where, 'must go on with a path after {{ auth.<field> }}');
    if (allowed.length === 0) {
      this.fail('connection.allowed_hosts', `is needed when the base URL comes from auth.${field}`);
    }
    const hosts: HostPattern[] = [];
    allowed.forEach((pattern, i) => {
      try {
        hosts.push(parseHostPattern(pattern));
      } catch (error) {
        this.fail(`connection.allowed_hosts[${i}]`, (error as Error).message);
      }
    });
    return {
      url: this.template(where, rest, ROOTS.connection),
      origin: { field, hosts },
    };
  }

  compile(file: string, options: LoadManifestOptions): CompiledManifest {
    const m = this.m;
    this.expressionTimeoutMs =
      m.limits?.expression_timeout_ms ?? defaultOf(LimitsSchema, 'expression_timeout_ms');
    const authenticationFields = this.fields();
    const base = this.baseUrl(options.baseUrl ?? m.connection.base_url, authenticationFields);
    const compiled: CompiledManifest = {
      file,
      name: m.name,
      authenticationType:
        m.talkdesk?.authentication_type ?? defaultOf(TalkdeskSchema, 'authentication_type'),
      authenticationFields,
      baseUrl: base.url,
      ...(base.origin && { baseOrigin: base.origin }),
      headers: Object.entries(m.connection.headers ?? {}).map(([name, value]) => [
        name,
        this.template(`connection.headers.${name}`, value, ROOTS.connection),
      ]),
      maxResponseBytes:
        m.connection.max_response_bytes ?? defaultOf(ConnectionSchema, 'max_response_bytes'),
      authentication: this.authentication(m.authentication ?? { type: 'none' }),
      retryStatuses: new Set(m.retry?.statuses ?? defaultOf(RetrySchema, 'statuses')),
      errorRules: (m.errors?.rules ?? []).map((rule, i) => {
        const where = `errors.rules[${i}]`;
        return {
          where,
          statuses: new Set(rule.statuses),
          ...(rule.path !== undefined && { path: this.path(`${where}.path`, rule.path) }),
          ...(rule.one_of && { oneOf: rule.one_of }),
          ...(rule.contains !== undefined && { contains: rule.contains.toLowerCase() }),
          action: rule.action,
        };
      }),
      ...(m.errors?.error_message_path !== undefined && {
        errorMessagePath: this.path('errors.error_message_path', m.errors.error_message_path),
      }),
      ...(m.pacing && {
        pacing: { requests: m.pacing.requests, intervalMs: m.pacing.interval_ms },
      }),
      maxPagesPerCall:
        m.limits?.max_pages_per_call ?? defaultOf(LimitsSchema, 'max_pages_per_call'),
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
        rejectStatuses: new Set([
          401,
          403,
          ...(c.reject_statuses ?? defaultOf(CredentialCheckSchema, 'reject_statuses')),
        ]),
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
        const format = inc.format ?? defaultOf(IncrementalSchema, 'format');
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
            paramIn: inc.param_in ?? defaultOf(IncrementalSchema, 'param_in'),
            format,
            ...(inc.until_param && { untilParam: inc.until_param }),
            inclusive: inc.inclusive ?? defaultOf(IncrementalSchema, 'inclusive'),
            required: inc.required ?? defaultOf(IncrementalSchema, 'required'),
            ...(inc.slice && { slice: this.slice(inc.slice, format) }),
            lookbackMs:
              (inc.lookback_seconds ?? defaultOf(IncrementalSchema, 'lookback_seconds')) * 1000,
            visibilityDelayMs:
              (inc.visibility_delay_seconds ??
                defaultOf(IncrementalSchema, 'visibility_delay_seconds')) * 1000,
            precisionMs: updatePrecisionMs(
              stream.fields.updated_at?.format,
              inc.until_param ? format : undefined,
            ),
          },
        };
      }
    }
    if (m.contacts?.enrich && compiled.contacts) {
      compiled.contacts = {
        ...compiled.contacts,
        enrichments: this.enrichments(m.contacts.enrich),
      };
    }
    if (m.agents) compiled.agents = this.stream('agents', m.agents, ROOTS.listRequest);
    if (m.interactions) {
      const i = m.interactions;
      const lookup = (key: 'by_id' | 'by_email' | 'by_phone'): CompiledLookup | undefined => {
        const spec: LookupSpec | undefined = i.contact?.[key];
        if (!spec) return undefined;
        const where = `interactions.contact.${key}`;
        if (key !== 'by_phone' && (spec.phone_forms || spec.last_digits !== undefined)) {
          this.fail(where, '`phone_forms` and `last_digits` belong to by_phone');
        }
        if (spec.phone_forms && !JSON.stringify(spec.request).includes('lookup.phone_form')) {
          this.fail(
            `${where}.request`,
            'with `phone_forms`, the request must use {{ lookup.phone_form }}',
          );
        }
        return {
          where,
          request: this.request(`${where}.request`, spec.request, ROOTS.lookupRequest),
          selector: this.path(`${where}.record_selector`, spec.record_selector ?? ''),
          notFound: new Set(
            spec.not_found_statuses ?? defaultOf(LookupSchema, 'not_found_statuses'),
          ),
          ...(spec.phone_forms && { phoneForms: spec.phone_forms }),
          ...(spec.phone_forms && {
            lastDigits: spec.last_digits ?? defaultOf(LookupSchema, 'last_digits'),
          }),
        };
      };
      compiled.interactions = {
        types: i.types,
        byId: lookup('by_id'),
        byEmail: lookup('by_email'),
        byPhone: lookup('by_phone'),
        idField: this.path(
          'interactions.contact.id_field',
          i.contact?.id_field ?? defaultOf(InteractionsContactSchema, 'id_field'),
        ),
        notFound: new Set(
          i.not_found_statuses ?? defaultOf(InteractionsSchema, 'not_found_statuses'),
        ),
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
          const forEach = s.for_each && this.forEach(where, s.for_each, i.streams);
          return {
            ...(s.for_each
              ? this.stream(where, s, ROOTS.childStreamRequest, ROOTS.childRecordValue)
              : this.stream(where, s, ROOTS.streamRequest)),
            types: s.types,
            maxPages: s.max_pages ?? defaultOf(InteractionStreamSchema, 'max_pages'),
            ...(forEach && { forEach }),
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

  /** A stream read for each record of another: named, and itself read once per contact. */
  private forEach(
    where: string,
    spec: NonNullable<InteractionStreamSpec['for_each']>,
    streams: InteractionStreamSpec[],
  ): { stream: number; maxRecords: number } | undefined {
    const named = streams.map((s) => s.name);
    if (new Set(named.filter(Boolean)).size !== named.filter(Boolean).length) {
      this.fail('interactions.streams', 'two streams have the same name');
    }
    const index = named.indexOf(spec.stream);
    if (index < 0) {
      this.fail(`${where}.for_each.stream`, `no stream is named "${spec.stream}"`);
      return undefined;
    }
    if (streams[index].for_each) {
      this.fail(`${where}.for_each.stream`, `"${spec.stream}" is itself read for each record`);
      return undefined;
    }
    return {
      stream: index,
      maxRecords: spec.max_records ?? defaultOf(ForEachSchema, 'max_records'),
    };
  }

  private slice(spec: NonNullable<IncrementalSpec['slice']>, format: string): CompiledSlice {
    const where = 'contacts.incremental.slice';
    const stepMs = spec.step_seconds * 1000;
    const maxStepMs = spec.max_step_seconds === undefined ? Infinity : spec.max_step_seconds * 1000;
    if (stepMs % granularityMs(format) !== 0) {
      this.fail(`${where}.step_seconds`, `must be a multiple of what "${format}" can say`);
    }
    if (maxStepMs < stepMs) this.fail(`${where}.max_step_seconds`, 'is less than step_seconds');
    const startMs = Date.parse(spec.start ?? defaultOf(SliceSchema, 'start'));
    if (!Number.isFinite(startMs)) this.fail(`${where}.start`, 'is not a date and time');
    return { stepMs, maxStepMs, maxRecords: spec.max_records, startMs };
  }

  private enrichments(spec: NonNullable<ContactsSpec['enrich']>): CompiledEnrichment[] {
    return Object.entries(spec).flatMap(([field, e]) => {
      if (!e) return [];
      const where = `contacts.enrich.${field}`;
      if (!(this.m.contacts?.fields as Record<string, unknown> | undefined)?.[field]) {
        this.fail(where, `enriches contacts.fields.${field}, which is not mapped`);
      }
      return [
        {
          where,
          field: field as EnrichableField,
          request: this.request(`${where}.request`, e.request, ROOTS.enrichRequest),
          value: this.path(`${where}.value`, e.value),
          notFound: new Set(
            e.not_found_statuses ?? defaultOf(EnrichmentSchema, 'not_found_statuses'),
          ),
          cacheSize: e.cache_size ?? defaultOf(EnrichmentSchema, 'cache_size'),
          maxRequests: e.max_requests ?? defaultOf(EnrichmentSchema, 'max_requests'),
        },
      ];
    });
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
        source: f.source ?? defaultOf(AuthenticationFieldSchema, 'source'),
        type: f.type ?? defaultOf(AuthenticationFieldSchema, 'type'),
        mandatory: f.mandatory ?? defaultOf(AuthenticationFieldSchema, 'mandatory'),
        store: f.store ?? defaultOf(AuthenticationFieldSchema, 'store'),
        ...(f.help !== undefined && { help: f.help }),
        ...(f.format !== undefined && { format: f.format }),
        secret: f.secret ?? defaultOf(AuthenticationFieldSchema, 'secret'),
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
          header: spec.header ?? defaultOf(BearerAuthSchema, 'header'),
          prefix: spec.prefix ?? defaultOf(BearerAuthSchema, 'prefix'),
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
          ttlMs: (spec.ttl_seconds ?? defaultOf(SessionAuthSchema, 'ttl_seconds')) * 1000,
          rejectStatuses: new Set(
            spec.reject_statuses ?? defaultOf(SessionAuthSchema, 'reject_statuses'),
          ),
          inject: {
            in: spec.inject.in,
            name: spec.inject.name,
            value: t('inject.value', spec.inject.value, ROOTS.sessionInject),
          },
        };
    }
  }
}
