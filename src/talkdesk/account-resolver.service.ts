import { createHmac, randomBytes } from 'node:crypto';
import { Injectable, Optional } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { AuthenticatedAccount, AuthFields, CredentialsPort } from '../connectors/ports';
import { MetricsService } from '../metrics/metrics.service';
import { TimeBudget } from '../common/time-budget';
import { RequestTracing } from '../tracing/bridge-tracing';
import { BridgeError } from './contract/errors';
import { accountLogKey, logAccount } from './request-log';

const MAX_CACHED_CREDENTIALS = 10_000;

/**
 * Turns the `auth` of a request into the external system's account, or a 401
 * (`credentials_rejected`). Verified
 * credentials are remembered for a short while so that the pages of a sync do not each pay
 * for a password hash or a round trip; they are remembered only as a keyed hash, never in clear.
 * Identical credentials checked while a check of them is under way wait for that check instead
 * of starting their own: a burst of requests from one account (a sync's first pages, interaction
 * lookups on many connections) costs one password hash, not one each. Each scrypt hash takes 16 MB
 * on one of libuv's threads, whose malloc arena keeps it: fifty hashes at once took the bridge's
 * resident memory up by about 40 MB.
 */
@Injectable()
export class AccountResolver {
  private readonly cacheKey = randomBytes(32);
  private readonly cache = new Map<string, { value: AuthenticatedAccount; expires: number }>();
  /** Checks under way, by credentials' fingerprint: the account, or null when rejected. */
  private readonly checking = new Map<string, Promise<AuthenticatedAccount | null>>();

  constructor(
    private readonly credentials: CredentialsPort,
    private readonly config: AppConfig,
    @Optional() private readonly metrics: MetricsService = MetricsService.disabled(),
    @Optional() private readonly tracing?: RequestTracing,
  ) {}

  async resolve(
    auth: AuthFields,
    budget: TimeBudget,
    options: { fresh?: boolean } = {},
  ): Promise<AuthenticatedAccount> {
    const resolved = await this.lookUp(auth, budget, options);
    logAccount(resolved.account.key);
    this.tracing?.annotate({ 'bridge.account': accountLogKey(resolved.account.key) });
    return resolved;
  }

  private async lookUp(
    auth: AuthFields,
    budget: TimeBudget,
    { fresh = false }: { fresh?: boolean },
  ): Promise<AuthenticatedAccount> {
    const ttl = this.config.credentialsCacheSeconds * 1000;
    const key = this.fingerprint(auth);
    const cached = this.cache.get(key);
    if (!fresh && ttl > 0) {
      const hit = cached !== undefined && cached.expires > Date.now();
      this.metrics.cacheLookup('credentials', hit);
      if (hit) return cached.value;
    }

    // With the cache off, every request asks the external system itself.
    const value =
      fresh || ttl <= 0
        ? await this.credentials.authenticate(auth, { signal: budget.signal })
        : await this.checkOnce(key, auth, budget);
    if (!value) {
      this.cache.delete(key);
      throw new BridgeError(
        'credentials_rejected',
        'The external system rejected the credentials in auth',
      );
    }
    if (ttl > 0) {
      this.cache.delete(key);
      this.cache.set(key, { value, expires: Date.now() + ttl });
      if (this.cache.size > MAX_CACHED_CREDENTIALS) {
        this.cache.delete(this.cache.keys().next().value as string);
      }
    }
    return value;
  }

  /**
   * The answer of the check of these credentials under way, or of a new one. A check that fails
   * (the external system down, the first caller's time budget spent) is not shared: each waiter
   * then checks for itself, with its own budget.
   */
  private async checkOnce(
    key: string,
    auth: AuthFields,
    budget: TimeBudget,
  ): Promise<AuthenticatedAccount | null> {
    const running = this.checking.get(key);
    if (running) {
      try {
        return await running;
      } catch {
        return this.credentials.authenticate(auth, { signal: budget.signal });
      }
    }
    const check = this.credentials.authenticate(auth, { signal: budget.signal });
    this.checking.set(key, check);
    try {
      return await check;
    } finally {
      this.checking.delete(key);
    }
  }

  private fingerprint(auth: AuthFields): string {
    const canonical = JSON.stringify(Object.entries(auth).sort(([a], [b]) => (a < b ? -1 : 1)));
    return createHmac('sha256', this.cacheKey).update(canonical).digest('base64url');
  }
}
