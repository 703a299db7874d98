import { Logger } from '@nestjs/common';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { dropLaterErrors, sendError } from './all-exceptions.filter';
import { BridgeError } from './contract/errors';

const logger = new Logger('Errors');

/**
 * No answer after the request's budget: whatever the handler is waiting for (an adapter that
 * ignores its AbortSignal, a stalled upstream), the request is answered 504 `{code:
 * 'deadline_exceeded', message, request_id}` when its budget is spent. Armed before the handler
 * (NestJS's guards, pipes and controller) runs, on the budget's own timer; its late result is
 * then neither sent (Fastify ignores a second answer) nor logged, and its late failure is
 * dropped by the exception filter (`dropLaterErrors`). `disarmDeadline` disarms it once the
 * answer is out, so that nothing of the request is kept until its budget's timer fires.
 *
 * What is kept on the request is a plain record of the signal and the listener, not a closure
 * that removes the listener: with a function stored on the request (or on its budget), every
 * young collection of the first seconds under load, while the hot code is not yet optimized,
 * promoted ~0.85 MB of finished requests to the old generation (50-60 MB before the first full
 * collection, at one connection as at fifty; `--trace-gc-nvp`, docs/benchmarks.md "Memory: where
 * it goes"). With the record: ~7 KB a collection from the start.
 */
export function installDeadline(app: NestFastifyApplication): void {
  app
    .getHttpAdapter()
    .getInstance()
    .addHook('preHandler', (request, reply, done) => {
      const budget = request.budget;
      if (budget === undefined) return done();
      const signal = budget.signal;
      const answer = () => answerAtDeadline(request, reply, budget.totalMs);
      if (signal.aborted) return answer();
      signal.addEventListener('abort', answer, { once: true });
      request.deadline = { signal, answer };
      done();
    });
}

/** Once the answer is out: the deadline no longer answers the request (a no-op if never armed). */
export function disarmDeadline(request: FastifyRequest): void {
  const armed = request.deadline;
  if (armed !== undefined) armed.signal.removeEventListener('abort', armed.answer);
}

/** The armed deadline: the budget's signal and the listener that answers 504 when it aborts. */
interface ArmedDeadline {
  readonly signal: AbortSignal;
  readonly answer: () => void;
}

function answerAtDeadline(request: FastifyRequest, reply: FastifyReply, totalMs: number): void {
  if (reply.sent) return;
  sendError(
    new BridgeError(
      'deadline_exceeded',
      `No answer within the request budget of ${totalMs} ms: the external system is too slow`,
    ),
    request,
    reply,
    logger,
  );
  dropLaterErrors(request);
}

declare module 'fastify' {
  interface FastifyRequest {
    /** Set when the deadline is armed (see installDeadline); `disarmDeadline` removes its listener. */
    deadline?: ArmedDeadline;
  }
}
