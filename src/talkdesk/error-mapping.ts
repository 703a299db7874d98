import { HttpException, HttpStatus } from '@nestjs/common';
import {
  ActionRejectedError,
  CredentialsRejectedError,
  InvalidPositionError,
  UpstreamError,
  UpstreamUnavailableError,
} from '../connectors/ports/errors';
import { formatRetryAfter } from '../connectors/resilience/retry-after';
import { isAbortError } from '../common/time-budget';

export interface MappedError {
  status: number;
  message: string;
  /** Unexpected: logged with its stack, answered without it. */
  unexpected: boolean;
  /** Extra response headers (Retry-After on 503). */
  headers?: Record<string, string>;
  /** Extra body fields (the health check's details on a failing readiness probe). */
  details?: Record<string, unknown>;
}

/** The body @nestjs/terminus answers a failing health check with. */
function healthCheckFailure(exception: HttpException): Record<string, unknown> | undefined {
  const response = exception.getResponse();
  if (typeof response !== 'object' || response === null) return undefined;
  const { status, error, details } = response as Record<string, unknown>;
  return status === 'error' && typeof error === 'object' && details
    ? { status, error, details }
    : undefined;
}

function httpExceptionMessage(exception: HttpException): string {
  const response = exception.getResponse();
  if (typeof response === 'string') return response;
  const message = (response as { message?: unknown }).message;
  if (Array.isArray(message)) return message.join('; ');
  return typeof message === 'string' ? message : exception.message;
}

/** Fastify's own errors (body parsing, limits) carry a code and a 4xx status. */
function fastifyMessage(code: string | undefined, fallback: string): string {
  switch (code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return 'Request body is too large';
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return 'Unsupported content type: send application/json';
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return 'Request body is empty: send a JSON object';
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return 'Content-Length does not match the body';
    default:
      if (fallback.includes('JSON')) return `Malformed JSON body: ${fallback}`;
      return fallback;
  }
}

/** Maps anything thrown while serving a request to the status and message Talkdesk receives. */
export function mapError(exception: unknown): MappedError {
  if (exception instanceof HttpException) {
    const status = exception.getStatus();
    const health = healthCheckFailure(exception);
    if (health) {
      const down = Object.keys(health.error as object).join(', ') || 'a dependency';
      return { status, message: `Not ready: ${down} down`, unexpected: false, details: health };
    }
    return {
      status,
      message: httpExceptionMessage(exception),
      unexpected: status >= 500,
    };
  }
  if (exception instanceof CredentialsRejectedError) {
    return { status: HttpStatus.UNAUTHORIZED, message: exception.message, unexpected: false };
  }
  if (exception instanceof ActionRejectedError || exception instanceof InvalidPositionError) {
    return { status: HttpStatus.BAD_REQUEST, message: exception.message, unexpected: false };
  }
  if (exception instanceof UpstreamUnavailableError) {
    return {
      status: HttpStatus.SERVICE_UNAVAILABLE,
      message: exception.message,
      unexpected: false,
      headers: { 'retry-after': formatRetryAfter(exception.retryAfterMs) },
    };
  }
  if (exception instanceof UpstreamError) {
    return {
      status: exception.timeout ? HttpStatus.GATEWAY_TIMEOUT : HttpStatus.BAD_GATEWAY,
      message: exception.message,
      unexpected: false,
    };
  }
  if (isAbortError(exception)) {
    // An adapter that gave up on its own when the request's signal aborted.
    return {
      status: HttpStatus.GATEWAY_TIMEOUT,
      message: 'The external system did not answer within the request budget',
      unexpected: false,
    };
  }
  const candidate = exception as { statusCode?: unknown; code?: unknown; message?: unknown };
  if (
    typeof candidate?.statusCode === 'number' &&
    candidate.statusCode >= 400 &&
    candidate.statusCode < 500
  ) {
    return {
      status: candidate.statusCode,
      message: fastifyMessage(
        typeof candidate.code === 'string' ? candidate.code : undefined,
        typeof candidate.message === 'string' ? candidate.message : 'Bad request',
      ),
      unexpected: false,
    };
  }
  return {
    status: HttpStatus.INTERNAL_SERVER_ERROR,
    message: 'Internal error: the bridge failed to handle this request; quote its request_id',
    unexpected: true,
  };
}
