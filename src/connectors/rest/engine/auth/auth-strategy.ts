import { CredentialsRejectedError } from '../../../ports/errors';
import { CompiledAuthentication, CompiledRequest } from '../../manifest/compiled';
import { UpstreamAnswer } from '../http';
import { RestAccount } from '../rest-account';
import { SessionStore } from '../session-store';

/** The credentials applied to one request: headers and query parameters. */
export interface AppliedCredentials {
  headers: Record<string, string>;
  query: Record<string, string>;
  /**
   * Forgets what was applied (a cached session token) after the upstream refused it: the
   * request is then sent once more with fresh credentials. Absent for fixed credentials.
   */
  renew?: () => void;
}

/** What strategies that log in need of the client. */
export interface AuthContext {
  sessions: SessionStore;
  /** Sends a manifest request without credentials (a login), its `accept` statuses returned. */
  sendUnauthenticated(
    account: RestAccount,
    request: CompiledRequest,
    signal: AbortSignal,
    label: string,
    accept: ReadonlySet<number>,
  ): Promise<UpstreamAnswer>;
}

/**
 * One way of proving to the upstream who a request is for (`authentication.type`), from the
 * account's `auth` fields. A new kind is a new file beside this one, listed in `index.ts`.
 * Every value it derives from the credentials is added to the account's secrets.
 */
export interface AuthStrategy {
  apply(account: RestAccount, signal: AbortSignal): Promise<AppliedCredentials>;
}

export type AuthOf<T extends CompiledAuthentication['type']> = Extract<
  CompiledAuthentication,
  { type: T }
>;

export const NO_CREDENTIALS: AppliedCredentials = { headers: {}, query: {} };

/** A rendered credential template, which must have every value; it becomes a secret. */
export function required(
  account: RestAccount,
  label: string,
  rendered: { text: string; missing: boolean },
): string {
  if (rendered.missing) {
    throw new CredentialsRejectedError(`The credentials in auth lack what the ${label} needs`);
  }
  account.secrets.add(rendered.text);
  return rendered.text;
}

/** A credential placed in a header or a query parameter. */
export function placed(where: 'header' | 'query', name: string, value: string): AppliedCredentials {
  return where === 'header'
    ? { headers: { [name.toLowerCase()]: value }, query: {} }
    : { headers: {}, query: { [name]: value } };
}
