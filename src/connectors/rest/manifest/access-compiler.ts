import { CompiledField, CompiledManifest } from './compiled';
import { AuthenticationSpec } from './manifest.types';
import { InteractionsCompiler } from './interactions-compiler';
import { ROOTS } from './parts-compiler';
import { CredentialCheckSchema } from './schema/actions';
import { BearerAuthSchema, SessionAuthSchema } from './schema/authentication';
import { defaultOf } from './schema/schema-builder';
import { AuthenticationFieldSchema } from './schema/talkdesk';
import { HostPattern, parseHostPattern } from './host-patterns';

/**
 * How a manifest reaches the external system: the fields Talkdesk asks for, the base URL (and
 * the hosts it may point at), the authentication, and the credential check.
 */
export class AccessCompiler extends InteractionsCompiler {
  /**
   * `connection.base_url`: a fixed URL, or one starting with an auth field's URL
   * (`{{ auth.instance_url }}/services/data/v62.0`), which then needs `allowed_hosts`.
   */
  protected baseUrl(
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

  protected fields(): CompiledField[] {
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

  protected authentication(spec: AuthenticationSpec) {
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

  /** `credential_check`: its request, and the fields it stores, which must be declared for it. */
  protected credentialCheck(
    authenticationFields: CompiledField[],
  ): CompiledManifest['credentialCheck'] {
    const m = this.m;
    if (!m.credential_check) return undefined;
    const c = m.credential_check;
    const check: NonNullable<CompiledManifest['credentialCheck']> = {
      request: this.request('credential_check.request', c.request, ROOTS.credentialRequest),
      rejectStatuses: new Set([
        401,
        403,
        ...(c.reject_statuses ?? defaultOf(CredentialCheckSchema, 'reject_statuses')),
      ]),
      ...(c.account_key && {
        accountKey: this.template('credential_check.account_key', c.account_key, ROOTS.accountKey),
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
    return check;
  }
}
