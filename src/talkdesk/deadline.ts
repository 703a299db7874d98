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
 * dropped by the exception filter (`dropLaterErrors`). `request.disarmDeadline` disarms it once
 * the answer is out, so that nothing of the request is kept until its budget's timer fires.
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
      request.disarmDeadline = () => signal.removeEventListener('abort', answer);
      done();
    });
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
    /** Set while the deadline is armed (see installDeadline): called when the answer is out. */
    disarmDeadline?: () => void;
  }
}
