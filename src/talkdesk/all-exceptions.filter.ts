import { ArgumentsHost, Catch, ExceptionFilter, Logger } from '@nestjs/common';
import { FastifyReply, FastifyRequest } from 'fastify';
import { mapError } from './error-mapping';

/** An error that needs headers of its own on its response (e.g. Retry-After on a 409). */
export interface WithResponseHeaders {
  readonly responseHeaders: Record<string, string>;
}

/** Every error leaves as JSON `{ message, request_id }` with its status; never a stack trace. */
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

export function sendError(
  exception: unknown,
  request: FastifyRequest,
  reply: FastifyReply,
  logger: Pick<Logger, 'error'>,
): void {
  const { status, message, unexpected, headers, details } = mapError(exception);
  if (unexpected) {
    logger.error(
      `request ${request.id} failed: ${exception instanceof Error ? (exception.stack ?? exception.message) : String(exception)}`,
    );
  }
  if (reply.sent) return;
  const own = (exception as Partial<WithResponseHeaders> | null)?.responseHeaders;
  if (headers || own) void reply.headers({ ...headers, ...own });
  void reply
    .status(status)
    .header('content-type', 'application/json; charset=utf-8')
    .send({ message, request_id: request.id, ...details });
}
