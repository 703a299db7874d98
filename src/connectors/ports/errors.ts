/** The external system refused an action for a reason the caller can act on (answered 400). */
export class ActionRejectedError extends Error {}

/** The external system rejected the credentials mid-request, e.g. an expired token (answered 401). */
export class CredentialsRejectedError extends Error {}

/** The external system could not be reached or failed (answered 502, or 504 on timeouts). */
export class UpstreamError extends Error {
  constructor(
    message: string,
    readonly timeout = false,
  ) {
    super(message);
  }
}

/**
 * A failure worth trying again: the same call may well succeed a moment later (a busy database,
 * a dropped connection, HTTP 429/503). Adapters throw it only for calls that are safe to repeat;
 * `retryAfterMs` is the wait the external system asked for (HTTP Retry-After), if any.
 */
export class RetryableUpstreamError extends UpstreamError {
  constructor(
    message: string,
    readonly retryAfterMs?: number,
  ) {
    super(message);
  }
}

/**
 * The external system is not being called for now: its circuit breaker is open after repeated
 * failures, or it asked for a pause longer than the request's budget (answered 503 with
 * Retry-After, rounded up to whole seconds).
 */
export class UpstreamUnavailableError extends UpstreamError {
  constructor(
    message: string,
    readonly retryAfterMs: number,
  ) {
    super(message);
  }
}

/** A position handed back by Talkdesk does not point into this external system (answered 400). */
export class InvalidPositionError extends Error {}
