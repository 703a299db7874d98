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

/** A position handed back by Talkdesk does not point into this external system (answered 400). */
export class InvalidPositionError extends Error {}
