import { ArgumentsHost, Catch, ExceptionFilter, Logger } from '@nestjs/common';
import { FastifyReply, FastifyRequest } from 'fastify';
import { BridgeError } from './contract/errors';
import { mapError } from './error-mapping';

/**
 * Every error leaves as JSON `{ code, message, request_id }` with the status of its code (see
 * contract/errors.ts); never a stack trace.
 */
@Catch()
export class AllExceptionsFilter implements ExceptionFilter {
  private readonly logger = new Logger('Errors');

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    sendError(
      exception,
      http.getRequest<FastifyRequest>(),
      http.getResponse<FastifyReply>(),
      this.logger,
    );
  }
}

/** Requests already answered for good (at their deadline): what their handler throws later is dropped. */
const answered = new WeakSet<FastifyRequest>();

/** Drops, unlogged, every later failure of a request answered at its deadline. */
export function dropLaterErrors(request: FastifyRequest): void {
  answered.add(request);
}

export function sendError(
  exception: unknown,
  request: FastifyRequest,
  reply: FastifyReply,
  logger: Pick<Logger, 'error'>,
): void {
  if (answered.has(request)) return;
  const { status, code, message, unexpected, headers, details } = mapError(exception);
  if (exception instanceof BridgeError && exception.code === 'credentials_rejected') {
    request.onCredentialsRejected?.();
  }
  if (unexpected) {
    logger.error(
      `request ${request.id} failed: ${exception instanceof Error ? (exception.stack ?? exception.message) : String(exception)}`,
    );
  }
  if (reply.sent) return;
  if (headers) void reply.headers(headers);
  void reply
    .status(status)
    .header('content-type', 'application/json; charset=utf-8')
    .send({ code, message, request_id: request.id, ...details });
}

const frameworkLogger = new Logger('Errors');

/**
 * Fastify's `frameworkErrors`: the errors its router answers before any hook runs, and so before
 * Nest sees the request (a malformed URL, an over-long route parameter), answered like every other
 * error, with the x-request-id header the onSend hook would have set.
 */
export function sendFrameworkError(
  error: Error,
  request: FastifyRequest,
  reply: FastifyReply,
): void {
  void reply.header('x-request-id', request.id);
  sendError(error, request, reply, frameworkLogger);
}
