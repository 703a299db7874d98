import { AuthFields } from '../../ports';
import { CompiledManifest } from '../manifest/compiled';
import { RequestBuildError } from './request-builder';

/**
 * A base URL whose origin is an account's field (`{{ auth.instance_url }}/services/data/v62.0`):
 * the field must be an absolute URL on a host `connection.allowed_hosts` allows, with no user,
 * query or fragment, so that neither Talkdesk's `auth` nor an upstream's answer can send the
 * credentials to any other host.
 */
export class BaseOriginError extends RequestBuildError {}

/** The field's URL (without a trailing slash), checked; throws BaseOriginError saying why. */
export function checkedOrigin(manifest: CompiledManifest, field: string, value: unknown): string {
  const origin = manifest.baseOrigin!;
  if (typeof value !== 'string' || value.trim() === '') {
    throw new BaseOriginError(`connection.base_url needs auth.${field}, which is missing`);
  }
  let url: URL;
  try {
    url = new URL(value.trim());
  } catch {
    throw new BaseOriginError(`auth.${field} is not a URL`);
  }
  if (url.username || url.password || url.search || url.hash) {
    throw new BaseOriginError(`auth.${field} must be a plain URL (no user, query or fragment)`);
  }
  if (!origin.hosts.some((p) => p.matches(url))) {
    throw new BaseOriginError(
      `auth.${field} points at ${url.protocol}//${url.host}, which connection.allowed_hosts does not allow (${origin.hosts.map((p) => p.source).join(', ')})`,
    );
  }
  return url.toString().replace(/\/+$/, '');
}

/** The origin part of an account's base URL, or undefined when the manifest's is fixed. */
export function originOf(manifest: CompiledManifest, auth: Readonly<AuthFields>) {
  const origin = manifest.baseOrigin;
  return origin ? checkedOrigin(manifest, origin.field, auth[origin.field]) : undefined;
}
