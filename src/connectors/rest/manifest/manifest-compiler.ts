import { CompiledManifest } from './compiled';
import { LimitsSchema, RetrySchema } from './manifest.schema';
import { ROOTS } from './parts-compiler';
import { defaultOf } from './schema/schema-builder';
import { AccessCompiler } from './access-compiler';
import { ConnectionSchema, TalkdeskSchema } from './schema/talkdesk';

export interface LoadManifestOptions {
  /** Replaces connection.base_url (CONNECTOR_BASE_URL). */
  baseUrl?: string;
}

/**
 * A manifest valid against the schema, compiled section by section with the checks the schema
 * cannot say: access (access-compiler.ts), contacts (contacts-compiler.ts), interactions
 * (interactions-compiler.ts), and here the rest
 * (errors, pacing, health, actions) and the checks across sections.
 */
export class ManifestCompiler extends AccessCompiler {
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
      retryAfterHeaders: (m.errors?.retry_after_headers ?? []).map((h) => h.toLowerCase()),
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
    compiled.credentialCheck = this.credentialCheck(authenticationFields);
    if (m.contacts) compiled.contacts = this.contacts(m.contacts);
    if (m.agents) compiled.agents = this.stream('agents', m.agents, ROOTS.listRequest);
    compiled.interactions = this.interactions();
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
}
