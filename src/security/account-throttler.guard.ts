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
  protected override shouldSkip(context: ExecutionContext): Promise<boolean> {
    return Promise.resolve(isPublicEndpoint(this.reflector, context));
  }
}
