import { HttpException } from '@nestjs/common';
import { UpstreamUnavailableError } from '../connectors/ports/errors';
import { formatRetryAfter } from '../connectors/resilience/retry-after';
import { isAbortError } from '../common/time-budget';
import { BridgeError, ErrorCode, errorDefinition } from './contract/errors';

export interface MappedError {
  status: number;
  code: ErrorCode;
  message: string;
  /** Unexpected: logged with its stack, answered without it. */
  unexpected: boolean;
  /** Extra response headers (Retry-After on 503, WWW-Authenticate on 401). */
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

/** Fastify's own client errors (body parsing, limits, URLs), by their FST_ERR_* code. */
const FASTIFY_CODES: Readonly<Record<string, ErrorCode>> = {
  FST_ERR_CTP_BODY_TOO_LARGE: 'body_too_large',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'content_type_unsupported',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'body_empty',
  FST_ERR_CTP_INVALID_JSON_BODY: 'json_malformed',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'content_length_mismatch',
  FST_ERR_BAD_URL: 'url_malformed',
  FST_ERR_MAX_PARAM_LENGTH: 'url_too_long',
  FST_ERR_NOT_FOUND: 'route_not_found',
};

/** Other client errors not ours, by status: Nest's 404 of an unknown route, the throttler's 429. */
const CLIENT_STATUSES: Readonly<Record<number, ErrorCode>> = {
  404: 'route_not_found',
  413: 'body_too_large',
  414: 'url_too_long',
  415: 'content_type_unsupported',
  429: 'rate_limited',
};

interface Foreign {
  code: ErrorCode;
  message: string;
  details?: Record<string, unknown>;
}

/** The FST_ERR_* code of a Fastify error, also when Nest has wrapped it in an HttpException. */
function fastifyCode(exception: unknown): string | undefined {
  for (let error = exception, depth = 0; error && depth < 3; depth++) {
    const code = (error as { code?: unknown }).code;
    if (typeof code === 'string' && code.startsWith('FST_ERR_')) return code;
    error = (error as { cause?: unknown }).cause;
  }
  return undefined;
}

/** A client error (4xx) not ours, as one of our codes; anything else stays unknown. */
function clientError(status: number, message: string, exception: unknown): Foreign | undefined {
  if (status < 400 || status >= 500) return undefined;
  const fastify = fastifyCode(exception);
  const code =
    (fastify !== undefined ? FASTIFY_CODES[fastify] : undefined) ??
    CLIENT_STATUSES[status] ??
    'bad_request';
  return { code, message: message || errorDefinition(code).message };
}

/** Errors thrown by what the bridge is built on (Nest, Fastify, @nestjs/terminus, the throttler). */
function foreignError(exception: unknown): Foreign | undefined {
  if (exception instanceof HttpException) {
    const health = healthCheckFailure(exception);
    if (health) {
      const down = Object.keys(health.error as object).join(', ') || 'a dependency';
      return { code: 'not_ready', message: `Not ready: ${down} down`, details: health };
    }
    return clientError(exception.getStatus(), httpExceptionMessage(exception), exception);
  }
  if (isAbortError(exception)) {
    // An adapter that gave up on its own when the request's signal aborted.
    return { code: 'deadline_exceeded', message: errorDefinition('deadline_exceeded').message };
  }
  const candidate = exception as { statusCode?: unknown; message?: unknown } | null;
  if (typeof candidate?.statusCode === 'number') {
    const message = typeof candidate.message === 'string' ? candidate.message : '';
    return clientError(candidate.statusCode, message, exception);
  }
  return undefined;
}

function ownHeaders(error: BridgeError): Record<string, string> | undefined {
  const retryAfter =
    error instanceof UpstreamUnavailableError
      ? { 'retry-after': formatRetryAfter(error.retryAfterMs) }
      : undefined;
  return retryAfter || error.responseHeaders
    ? { ...retryAfter, ...error.responseHeaders }
    : undefined;
}

/**
 * Maps anything thrown while serving a request to the code, status and message Talkdesk
 * receives: the bridge's own errors (BridgeError and its subclasses) as they are, the errors
 * of Nest, Fastify, @nestjs/terminus and the throttler to the matching code, anything else to
 * `internal_error` (500, logged, its message never sent).
 */
export function mapError(exception: unknown): MappedError {
  if (exception instanceof BridgeError) {
    const headers = ownHeaders(exception);
    return {
      status: exception.status,
      code: exception.code,
      message: exception.message || errorDefinition(exception.code).message,
      unexpected: exception.code === 'internal_error',
      ...(headers && { headers }),
    };
  }
  const foreign = foreignError(exception);
  if (foreign) {
    return {
      status: errorDefinition(foreign.code).status,
      code: foreign.code,
      message: foreign.message,
      unexpected: false,
      ...(foreign.details && { details: foreign.details }),
    };
  }
  const internal = errorDefinition('internal_error');
  return {
    status: internal.status,
    code: 'internal_error',
    message: internal.message,
    unexpected: true,
  };
}
