import { createHmac, randomBytes } from 'node:crypto';
import { Injectable, Optional } from '@nestjs/common';
import { PinoLogger } from 'nestjs-pino';
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
 */
@Injectable()
export class AccountResolver {
  private readonly cacheKey = randomBytes(32);
  private readonly cache = new Map<string, { value: AuthenticatedAccount; expires: number }>();

  constructor(
    private readonly credentials: CredentialsPort,
    private readonly config: AppConfig,
    @Optional() private readonly metrics: MetricsService = MetricsService.disabled(),
    @Optional() private readonly logger?: PinoLogger,
    @Optional() private readonly tracing?: RequestTracing,
  ) {}

  async resolve(
    auth: AuthFields,
    budget: TimeBudget,
    options: { fresh?: boolean } = {},
  ): Promise<AuthenticatedAccount> {
    const resolved = await this.lookUp(auth, budget, options);
    logAccount(this.logger, resolved.account.key);
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

    const value = await this.credentials.authenticate(auth, { signal: budget.signal });
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

  private fingerprint(auth: AuthFields): string {
    const canonical = JSON.stringify(Object.entries(auth).sort(([a], [b]) => (a < b ? -1 : 1)));
    return createHmac('sha256', this.cacheKey).update(canonical).digest('base64url');
  }
}
