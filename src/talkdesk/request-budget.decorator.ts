import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import { FastifyRequest } from 'fastify';
import { TimeBudget } from '../common/time-budget';

declare module 'fastify' {
  interface FastifyRequest {
    /** Set when the request arrives (see the onRequest hook in bootstrap). */
    budget?: TimeBudget;
  }
}

/** The request's time budget, started when the request arrived. */
export const RequestBudget = createParamDecorator((_: unknown, ctx: ExecutionContext) => {
  const request = ctx.switchToHttp().getRequest<FastifyRequest>();
  if (!request.budget) throw new Error('the time budget hook is not installed');
  return request.budget;
});
