import { CanActivate, ExecutionContext, Injectable, Optional } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { FastifyRequest } from 'fastify';
import { canonicalJson, digest } from '../common/canonical-json';
import { AppConfig } from '../config/app-config';
import { CredentialsPort } from '../connectors/ports';
import { KeyValueStore, KeyValueStores } from '../store/key-value-store';
import { BridgeError } from '../talkdesk/contract/errors';
import { isPublicEndpoint } from './public-endpoint.decorator';

/**
 * Back-off after rejected credentials: once an identity (the adapter's CredentialsPort.identityOf:
 * a normalized username, never the password) has had AUTH_FAILURE_LIMIT rejected credentials
 * from one client address within AUTH_FAILURE_WINDOW_SECONDS, further requests of it from that
 * address are a 429 `credentials_backoff`, without a password being checked, until the window
 * passes without a failure. Keyed by identity and address together, so a guesser elsewhere
 * cannot lock Talkdesk out of an account; credentials without an identity (an API key) are keyed
 * by a digest of the key presented and the address. Counters live in the shared store (Redis
 * when set).
 */
/** The longest the back-off check waits for the store. */
const CHECK_TIMEOUT_MS = 250;
const MAX_IDENTITY_KEYS = 10_000;

@Injectable()
export class CredentialBackoffGuard implements CanActivate {
  private readonly failures: KeyValueStore;
  private readonly shared: boolean;
  /** Counter keys of identities by identity and address (see keyOf). */
  private readonly identityKeys = new Map<string, string>();

  constructor(
    private readonly config: AppConfig,
    private readonly reflector: Reflector,
    stores: KeyValueStores,
    @Optional() private readonly credentials?: CredentialsPort,
  ) {
    this.failures = stores.open('auth-failures', { maxEntries: 100_000 });
    this.shared = stores.shared;
  }

  /**
   * The last of the global guards (after the rate limit): a 429 before a password is checked.
   * The exception filter tells the request's `onCredentialsRejected` of a `credentials_rejected`
   * answer, which counts the failure; a request with nothing to count costs no promise.
   */
  canActivate(context: ExecutionContext): boolean | Promise<boolean> {
    const key = this.keyOf(context);
    if (key === undefined) return true;
    context.switchToHttp().getRequest<FastifyRequest>().onCredentialsRejected = () =>
      this.recordFailure(key);
    return this.checkNotLocked(key).then(() => true);
  }

  private keyOf(context: ExecutionContext): string | undefined {
    if (this.config.authFailureLimit === 0 || context.getType() !== 'http') return undefined;
    if (isPublicEndpoint(this.reflector, context)) return undefined;
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    const body = request.body as { auth?: unknown } | undefined;
    const auth = body && typeof body === 'object' ? body.auth : undefined;
    if (!auth || typeof auth !== 'object' || Array.isArray(auth)) return undefined;
    const identity = this.credentials?.identityOf(auth as Record<string, unknown>);
    // Credentials that name no one but their secret (an API key) count by that key and the
    // address, so that a wrong key does not slow the right ones sent from the same address. Only
    // the digest is kept, never the key.
    if (identity === undefined) return digest(canonicalJson(['key', auth, request.ip]));
    // An identity and an address name no secret: their digest is remembered.
    const named = `${identity}\u0000${request.ip}`;
    let key = this.identityKeys.get(named);
    if (key === undefined) {
      if (this.identityKeys.size >= MAX_IDENTITY_KEYS) this.identityKeys.clear();
      key = digest(canonicalJson(['identity', identity, request.ip]));
      this.identityKeys.set(named, key);
    }
    return key;
  }

  private async checkNotLocked(key: string): Promise<void> {
    // A shared store slow to answer is not waited for (no back-off rather than a late answer):
    // the request's budget is for the work, and Redis already bounds every other call. The
    // memory store answers at once, so it needs no timer (one per request otherwise).
    const lookup = this.failures.get(key).catch(() => null);
    const stored = this.shared
      ? await Promise.race([
          lookup,
          new Promise<null>((resolve) => setTimeout(() => resolve(null), CHECK_TIMEOUT_MS).unref()),
        ])
      : await lookup;
    const count = Number(stored ?? 0);
    if (count < this.config.authFailureLimit) return;
    throw new BridgeError('credentials_backoff', undefined, {
      responseHeaders: { 'retry-after': String(this.config.authFailureWindowSeconds) },
    });
  }

  private recordFailure(key: string): void {
    // Not waited for: the 401 leaves at once. The store down means no back-off, not no answer.
    void this.failures
      .increment(key, this.config.authFailureWindowSeconds * 1000)
      .catch(() => undefined);
  }
}

declare module 'fastify' {
  interface FastifyRequest {
    /** Counts a rejection of the request's credentials (see CredentialBackoffGuard). */
    onCredentialsRejected?: () => void;
  }
}
