import { ExecutionContext, Injectable } from '@nestjs/common';
import { ThrottlerGuard } from '@nestjs/throttler';
import { isPublicEndpoint } from './public-endpoint.decorator';

/**
 * @nestjs/throttler's guard on every webhook (public endpoints are never limited). Over the limit
 * it throws a 429 that the exception filter answers as JSON, with the Retry-After header the
 * guard has set.
 */
@Injectable()
export class AccountThrottlerGuard extends ThrottlerGuard {
  /** Counter keys by what they are made of: a few accounts make most requests. */
  private readonly keys = new Map<string, string>();

  protected override shouldSkip(context: ExecutionContext): Promise<boolean> {
    return Promise.resolve(isPublicEndpoint(this.reflector, context));
  }

  /**
   * The library's key (a SHA-256 of the handler, the limit's name and the tracker), remembered
   * rather than hashed again on every request. Its input names no secret: the tracker is already
   * a keyed hash of the account (RateLimitTracker) or the client's address.
   */
  protected override generateKey(context: ExecutionContext, suffix: string, name: string): string {
    const made = `${context.getClass().name}-${context.getHandler().name}-${name}-${suffix}`;
    let key = this.keys.get(made);
    if (key === undefined) {
      if (this.keys.size >= MAX_KEYS) this.keys.clear();
      key = super.generateKey(context, suffix, name);
      this.keys.set(made, key);
    }
    return key;
  }
}

const MAX_KEYS = 10_000;
