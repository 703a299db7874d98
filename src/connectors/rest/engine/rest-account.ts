import { createHash } from 'node:crypto';
import { inspect } from 'node:util';
import { AccountRef, AuthFields } from '../../ports';
import { CompiledManifest } from '../manifest/compiled';
import { originOf } from './base-origin';
import { renderBaseUrl, RequestBuildError } from './request-builder';
import { Secrets } from './secrets';

/** An account of the external system: its key, and the credentials every request is made with. */
export class RestAccount implements AccountRef {
  constructor(
    readonly key: string,
    readonly auth: Readonly<AuthFields>,
    /** Hash of the credentials: the session cache's key. */
    readonly credentialsKey: string,
    readonly secrets: Secrets,
    /** The origin of the account's base URL (undefined while a stored field it needs is missing). */
    readonly upstream?: string,
  ) {}

  /** Never serialized or inspected with its credentials. */
  toJSON(): { key: string } {
    return { key: this.key };
  }

  [inspect.custom](): string {
    return `RestAccount(${this.key})`;
  }
}

export function restAccount(account: AccountRef): RestAccount {
  if (!(account instanceof RestAccount)) {
    throw new Error('The REST connector was handed an account it did not resolve');
  }
  return account;
}

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

const canonical = (value: Record<string, unknown>) =>
  JSON.stringify(Object.entries(value).sort(([a], [b]) => (a < b ? -1 : 1)));

/** The account's base URL: connection.base_url rendered over its auth fields. */
export function baseUrlOf(manifest: CompiledManifest, auth: Readonly<AuthFields>): URL {
  const origin = originOf(manifest, auth);
  if (origin === undefined) return renderBaseUrl(manifest.baseUrl, { auth });
  const { text, missing } = manifest.baseUrl.render({ auth }, encodeURIComponent);
  if (missing)
    throw new RequestBuildError('connection.base_url needs an auth field that is missing');
  return new URL(`${origin}${text}`);
}

/**
 * The base URL that keys an account: its own, or none yet while the field it comes from waits
 * for the credential check to store it (Salesforce's instance URL, on first validation).
 */
function baseKeyOf(manifest: CompiledManifest, auth: Readonly<AuthFields>): string {
  const field = manifest.baseOrigin?.field;
  if (field && (auth[field] === undefined || auth[field] === null)) return '';
  return baseUrlOf(manifest, auth).toString();
}

/**
 * Who credentials claim to be: the manifest's authentication fields that are not secret (a
 * subdomain, an email), trimmed and lower-cased; undefined when every field is secret.
 */
export function identityOf(manifest: CompiledManifest, auth: AuthFields): string | undefined {
  const named = manifest.authenticationFields
    .filter((f) => !f.secret)
    .map((f) => [f.field_name, auth[f.field_name]] as const)
    .filter((entry): entry is readonly [string, string] => typeof entry[1] === 'string');
  if (named.length === 0) return undefined;
  return canonical(Object.fromEntries(named.map(([k, v]) => [k, v.trim().toLowerCase()])));
}

/**
 * The account of these credentials: keyed by the base URL and `identity` (the credential
 * check's account key; else every declared auth field), its credentials hashed for the
 * session cache, and every auth value secret but for fields the manifest says are not.
 */
export function accountFor(
  manifest: CompiledManifest,
  auth: AuthFields,
  identity?: string,
): RestAccount {
  const base = baseKeyOf(manifest, auth);
  const declared = manifest.authenticationFields.map((f) => f.field_name);
  const relevant = declared.length
    ? Object.fromEntries(Object.entries(auth).filter(([k]) => declared.includes(k)))
    : auth;
  const credentialsKey = sha256(`${manifest.name}\n${base}\n${canonical(auth)}`);
  const who = identity ?? canonical(relevant);
  const key = `rest:${manifest.name}:${sha256(`${base}\n${who}`).slice(0, 32)}`;
  const open = new Set(
    manifest.authenticationFields.filter((f) => !f.secret).map((f) => f.field_name),
  );
  const secrets = new Secrets(
    Object.entries(auth)
      .filter(([k]) => !open.has(k))
      .map(([, v]) => v),
  );
  return new RestAccount(
    key,
    { ...auth },
    credentialsKey,
    secrets,
    base ? new URL(base).origin : undefined,
  );
}
