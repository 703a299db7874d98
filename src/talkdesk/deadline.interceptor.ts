import { CallHandler, ExecutionContext, Injectable, NestInterceptor } from '@nestjs/common';
import { FastifyRequest } from 'fastify';
import { Observable, throwError, timeout } from 'rxjs';
import { BridgeError } from './contract/errors';

/**
 * No answer after the request's budget: whatever the handler is waiting for (an adapter that
 * ignores its AbortSignal, a stalled upstream), the request is answered 504 `{code:
 * 'deadline_exceeded', message, request_id}` when its budget is spent. The handler's late result is dropped: rxjs unsubscribes
 * from it, so it is neither sent nor reported as unhandled.
 */
@Injectable()
export class DeadlineInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const budget = context.switchToHttp().getRequest<FastifyRequest>().budget;
    if (!budget) return next.handle();
    return next.handle().pipe(
      timeout({
        first: budget.remainingMs(),
        with: () =>
          throwError(
            () =>
              new BridgeError(
                'deadline_exceeded',
                `No answer within the request budget of ${budget.totalMs} ms: the external system is too slow`,
              ),
          ),
      }),
    );
  }
}
