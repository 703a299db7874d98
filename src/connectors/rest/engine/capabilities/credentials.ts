import { AuthenticatedAccount, AuthFields } from '../../../ports';
import { CredentialsRejectedError, UpstreamError } from '../../../ports/errors';
import { textOf } from '../../manifest/template';
import { OutgoingRequest, send, UpstreamAnswer } from '../http';
import { evaluate, Scope } from '../mapper';
import { buildRequest, renderBaseUrl, RequestBuildError } from '../request-builder';
import { BaseOriginError, checkedOrigin } from '../base-origin';
import { accountFor, RestAccount } from '../rest-account';
import { RestClient } from '../rest-client';

/**
 * Credentials: which `auth` fields are complete, the credential check (`POST /auth/validate`,
 * and before serving an account) with what it stores, and the readiness probe.
 */
export class CredentialsCapability {
  constructor(private readonly client: RestClient) {}

  private get manifest() {
    return this.client.manifest;
  }

  /** The fields Talkdesk must send non-empty; anything else makes the credentials incomplete. */
  private missingCredentials(auth: AuthFields): boolean {
    if (this.manifest.authenticationType === 'oauth2') {
      const token = auth.access_token;
      if (typeof token !== 'string' || token.trim() === '') return true;
    }
    for (const field of this.manifest.authenticationFields) {
      const value = auth[field.field_name];
      if (value === undefined || value === null) {
        if (field.mandatory && field.source === 'input') return true;
        continue;
      }
      if (typeof value !== 'string') return true;
      if (field.mandatory && field.source === 'input' && value.trim() === '') return true;
    }
    return false;
  }

  async authenticate(auth: AuthFields, signal: AbortSignal): Promise<AuthenticatedAccount | null> {
    if (this.missingCredentials(auth)) return null;
    let account: RestAccount;
    try {
      account = accountFor(this.manifest, auth);
    } catch (error) {
      if (error instanceof RequestBuildError) return null;
      throw error;
    }
    const check = this.manifest.credentialCheck;
    if (!check) return { account };
    let answer: UpstreamAnswer;
    try {
      answer = await this.client.exchange(account, check.request, { auth }, signal, {
        label: 'credential check',
        accept: check.rejectStatuses,
      });
    } catch (error) {
      if (error instanceof CredentialsRejectedError || error instanceof RequestBuildError) {
        return null;
      }
      throw error;
    }
    if (check.rejectStatuses.has(answer.status)) return null;
    const scope: Scope = { auth };
    let resolved = account;
    if (check.accountKey) {
      const identity = check.accountKey.render({ auth, response: answer.body });
      if (identity.missing) {
        throw new UpstreamError(
          'The credential check answer lacks what credential_check.account_key reads',
        );
      }
      resolved = accountFor(this.manifest, auth, identity.text);
    }
    const fieldsToStore: Record<string, string | number | boolean> = {};
    for (const [key, spec] of check.fieldsToStore) {
      const value = await evaluate(spec, answer.body, scope);
      if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') {
        fieldsToStore[key] = value;
      } else if (value !== undefined) {
        fieldsToStore[key] = textOf(value);
      }
    }
    // A base URL the answer names (an instance URL) is stored only on a host the manifest allows.
    const origin = this.manifest.baseOrigin;
    if (origin && key(fieldsToStore, origin.field)) {
      try {
        fieldsToStore[origin.field] = checkedOrigin(
          this.manifest,
          origin.field,
          fieldsToStore[origin.field],
        );
      } catch (error) {
        if (!(error instanceof BaseOriginError)) throw error;
        throw new UpstreamError(
          `The credential check's answer: ${account.secrets.mask(error.message)}`,
        );
      }
    }
    if (contradicts(auth, fieldsToStore, origin?.field)) return null;
    return Object.keys(fieldsToStore).length > 0
      ? { account: resolved, fieldsToStore }
      : { account: resolved };
  }

  async ping(signal: AbortSignal): Promise<void> {
    const health = this.manifest.health;
    if (!health) return this.reach(signal);
    let base: URL;
    try {
      base = renderBaseUrl(this.manifest.baseUrl, { auth: {} });
    } catch {
      base = new URL('http://base-url-needs-auth.invalid');
    }
    const built = await buildRequest(
      health,
      base,
      this.manifest.headers,
      {},
      {
        query: {},
        body: {},
      },
    ).catch((error: unknown) => {
      throw new UpstreamError(`The health request cannot be built: ${(error as Error).message}`);
    });
    const answer = await send(
      this.client.dispatcher,
      {
        method: health.method,
        url: built.url,
        headers: built.headers,
        idempotent: true,
        label: 'health',
      },
      signal,
      this.manifest.maxResponseBytes,
    );
    if (answer.status >= 500) {
      throw new UpstreamError(
        `The external system's health request answered HTTP ${answer.status}`,
      );
    }
  }

  /**
   * Without a health request: the base URL's host answers HTTP at all (any status; only a
   * refused, broken or timed-out connection is down). A base URL that needs the account's
   * fields names no host before a request: nothing to check then.
   */
  private async reach(signal: AbortSignal): Promise<void> {
    let base: URL;
    try {
      base = renderBaseUrl(this.manifest.baseUrl, { auth: {} });
    } catch {
      return;
    }
    if (base.hostname.includes('{') || base.hostname === '') return;
    await send(
      this.client.dispatcher,
      {
        // HEAD, which no manifest request uses: the answer has no body to read.
        method: 'HEAD' as OutgoingRequest['method'],
        url: new URL('/', base),
        headers: {},
        idempotent: true,
        label: 'reachability',
      },
      signal,
      this.manifest.maxResponseBytes,
    );
  }
}

const key = (o: object, k: string) => Object.hasOwn(o, k);

/**
 * Stored fields sent with the credentials that are not what the credential check stores for
 * them (another org's instance URL beside this org's token): the two do not belong together.
 * A base URL compares by origin; a field not sent yet (the first validation) contradicts nothing.
 */
function contradicts(
  auth: AuthFields,
  stored: Record<string, string | number | boolean>,
  originField: string | undefined,
): boolean {
  return Object.entries(stored).some(([field, value]) => {
    const sent = auth[field];
    if (sent === undefined || sent === null || sent === '') return false;
    if (field === originField) return originOf(textOf(sent)) !== originOf(textOf(value));
    return textOf(sent) !== textOf(value);
  });
}

function originOf(text: string): string {
  try {
    return new URL(text).origin;
  } catch {
    return text;
  }
}
