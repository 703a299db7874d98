import { Agent } from 'undici';
import { RetryableUpstreamCode, RetryableUpstreamError, UpstreamError } from '../ports/errors';
import { parseRetryAfter } from './retry-after';

export interface UpstreamAgentOptions {
  /** Most sockets kept open per origin. */
  connections?: number;
  /** How long an idle socket is kept for the next request. */
  keepAliveMs?: number;
  /** Limit on connecting (TCP + TLS). */
  connectTimeoutMs?: number;
}

/**
 * The HTTP connection pool of an HTTP upstream: sockets are kept alive and reused across
 * requests (no TCP and TLS handshake per call), at most `connections` per origin. Pass it as
 * `dispatcher` to undici's `request`/`fetch`; per-request deadlines come from the request's
 * AbortSignal, not from here.
 */
export function createUpstreamAgent(options: UpstreamAgentOptions = {}): Agent {
  return new Agent({
    connections: options.connections ?? 32,
    keepAliveTimeout: options.keepAliveMs ?? 10_000,
    keepAliveMaxTimeout: 60_000,
    connect: { timeout: options.connectTimeoutMs ?? 3_000 },
  });
}

/**
 * HTTP statuses that mean "try again later" rather than "this request is wrong" (for an
 * idempotent request): the one list, also the REST manifest's default `retry.statuses`.
 */
export const RETRYABLE_STATUSES: ReadonlySet<number> = new Set([408, 425, 429, 500, 502, 503, 504]);

/** The code of a failed HTTP answer of the upstream: 429 is `upstream_rate_limited`. */
export function httpStatusCode(status: number): RetryableUpstreamCode {
  return status === 429 ? 'upstream_rate_limited' : 'upstream_failed';
}

/**
 * The error for a failed HTTP answer of the upstream: retryable (with its Retry-After) for
 * RETRYABLE_STATUSES when `idempotent` (a GET, or a write guarded by an idempotency key), a
 * plain UpstreamError otherwise. 401/403 are the caller's to map to CredentialsRejectedError.
 */
export function httpStatusError(
  status: number,
  retryAfter: string | string[] | null | undefined,
  idempotent: boolean,
): UpstreamError {
  const message = `The external system answered HTTP ${status}`;
  const code = httpStatusCode(status);
  if (idempotent && RETRYABLE_STATUSES.has(status)) {
    return new RetryableUpstreamError(message, parseRetryAfter(retryAfter), code);
  }
  return new UpstreamError(message, false, code);
}

/** The request never reached the upstream: always safe to repeat. */
const NOT_SENT_CODES = new Set(['ECONNREFUSED', 'EAI_AGAIN', 'UND_ERR_CONNECT_TIMEOUT']);
/** The connection broke mid-way: the upstream may have acted, so only idempotent calls repeat. */
const BROKEN_CODES = new Set([
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'UND_ERR_SOCKET',
  'UND_ERR_CLOSED',
]);

/** Classifies a network error of an HTTP call (for UpstreamGuardOptions.classify). */
export function classifyHttpError(error: unknown, idempotent = true): unknown {
  if (error instanceof UpstreamError) return error;
  const code =
    (error as { code?: unknown })?.code ?? (error as { cause?: { code?: unknown } })?.cause?.code;
  if (typeof code !== 'string') return error;
  if (NOT_SENT_CODES.has(code) || (idempotent && BROKEN_CODES.has(code))) {
    return new RetryableUpstreamError(
      `The external system could not be reached (${code})`,
      undefined,
      'upstream_unreachable',
    );
  }
  if (BROKEN_CODES.has(code))
    return new UpstreamError(
      `The connection to the external system broke (${code})`,
      false,
      'upstream_unreachable',
    );
  return error;
}
