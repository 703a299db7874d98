import { BridgeError, ErrorCode } from '../../talkdesk/contract/errors';

/** The external system refused an action for a reason the caller can act on (`action_rejected`, 400). */
export class ActionRejectedError extends BridgeError {
  constructor(message?: string) {
    super('action_rejected', message);
  }
}

/**
 * The external system rejected the credentials mid-request, e.g. an expired token
 * (`credentials_rejected`, 401).
 */
export class CredentialsRejectedError extends BridgeError {
  constructor(message?: string) {
    super('credentials_rejected', message);
  }
}

/** The codes of the external system's failures. */
export type UpstreamErrorCode = Extract<ErrorCode, `upstream_${string}`> | 'deadline_exceeded';

/**
 * The external system could not be reached or failed: `upstream_failed` (502) unless the
 * adapter knows better (`upstream_busy`, `upstream_unreachable`, `upstream_rate_limited`);
 * `upstream_timeout` (504) on timeouts, `deadline_exceeded` (504) when the request's budget ran out.
 */
export class UpstreamError extends BridgeError {
  declare readonly code: UpstreamErrorCode;

  constructor(
    message: string,
    readonly timeout = false,
    code: UpstreamErrorCode = timeout ? 'upstream_timeout' : 'upstream_failed',
  ) {
    super(code, message);
  }
}

/** What a retryable failure was: the code the caller gets if the retries do not help. */
export type RetryableUpstreamCode =
  'upstream_failed' | 'upstream_busy' | 'upstream_unreachable' | 'upstream_rate_limited';

/**
 * A failure worth trying again: the same call may well succeed a moment later (a busy database,
 * a dropped connection, HTTP 429/503). Adapters throw it only for calls that are safe to repeat;
 * `retryAfterMs` is the wait the external system asked for (HTTP Retry-After), if any.
 */
export class RetryableUpstreamError extends UpstreamError {
  declare readonly code: RetryableUpstreamCode;

  constructor(
    message: string,
    readonly retryAfterMs?: number,
    code: RetryableUpstreamCode = 'upstream_failed',
  ) {
    super(message, false, code);
  }
}

/**
 * An adapter handed over contacts out of the (updatedAt, id) order the contacts port promises
 * (`upstream_order_violated`, 502): going on could skip contacts, so the synchronization stops.
 */
export class UpstreamOrderError extends UpstreamError {
  constructor(message: string) {
    super(message, false, 'upstream_order_violated');
  }
}

/**
 * The external system is not being called for now: its circuit breaker is open after repeated
 * failures, or it asked for a pause longer than the request's budget (`upstream_unavailable`,
 * answered 503 with Retry-After, rounded up to whole seconds).
 */
export class UpstreamUnavailableError extends UpstreamError {
  constructor(
    message: string,
    readonly retryAfterMs: number,
  ) {
    super(message, false, 'upstream_unavailable');
  }
}

/**
 * A position handed back by Talkdesk does not point into this external system
 * (`offset_invalid`, 400).
 */
export class InvalidPositionError extends BridgeError {
  constructor(message?: string) {
    super('offset_invalid', message);
  }
}
