/**
 * The errors the bridge answers Talkdesk with, one entry per machine-readable `code`: its HTTP
 * status and the message sent when whoever throws it gives none. Every error body is
 * `{ code, message, request_id }`; docs/errors.md says when each code happens (a unit test
 * keeps it in step with this table). A code, once published, keeps its meaning and status.
 */
export interface ErrorDefinition {
  /** snake_case, stable: what callers branch on. */
  readonly code: string;
  /** The HTTP status answered with this code (4xx or 5xx). */
  readonly status: number;
  /** The message when the thrower gives none. */
  readonly message: string;
}

export const ERRORS = [
  // 400: the request cannot be served as sent.
  { code: 'bad_request', status: 400, message: 'Bad request' },
  { code: 'url_malformed', status: 400, message: 'The URL is not valid' },
  {
    code: 'http_malformed',
    status: 400,
    message: 'The request is not valid HTTP/1.1 (its framing or header bytes)',
  },
  { code: 'json_malformed', status: 400, message: 'Malformed JSON body' },
  {
    code: 'json_too_deep',
    status: 400,
    message: 'Malformed JSON body: the JSON body is nested too deeply',
  },
  { code: 'body_empty', status: 400, message: 'Request body is empty: send a JSON object' },
  {
    code: 'content_length_mismatch',
    status: 400,
    message: 'Content-Length does not match the body',
  },
  { code: 'body_not_object', status: 400, message: 'The request body must be a JSON object' },
  { code: 'validation_failed', status: 400, message: 'Invalid request body' },
  {
    code: 'offset_unreadable',
    status: 400,
    message:
      'meta.offset is not a next_offset issued by this bridge: restart the synchronization without an offset',
  },
  {
    code: 'token_invalid',
    status: 400,
    message:
      'meta.offset or meta.context failed the bridge’s signature check: restart the synchronization without an offset',
  },
  {
    code: 'offset_invalid',
    status: 400,
    message:
      'meta.offset does not point into the external system: restart the synchronization without an offset',
  },
  {
    code: 'idempotency_key_invalid',
    status: 400,
    message: 'Idempotency-Key must be 1 to 255 visible ASCII characters (a UUID is a good choice)',
  },
  {
    code: 'action_input_missing',
    status: 400,
    message: 'A mandatory input of the action is missing',
  },
  { code: 'action_rejected', status: 400, message: 'The external system refused the action' },
  // 401, 403: who is calling.
  {
    code: 'credentials_rejected',
    status: 401,
    message: 'The external system rejected the credentials in auth',
  },
  {
    code: 'bridge_token_required',
    status: 401,
    message: 'Missing or wrong bridge token: send it in the X-Bridge-Token header',
  },
  { code: 'address_not_allowed', status: 403, message: 'Calls from this address are not allowed' },
  // 404 to 429: what is asked for, and how.
  { code: 'route_not_found', status: 404, message: 'No such route' },
  {
    code: 'action_unknown',
    status: 404,
    message: 'Unknown action: GET /integration/actions lists the actions',
  },
  {
    code: 'request_timeout',
    status: 408,
    message: 'The request did not arrive in time: its headers or body came too slowly',
  },
  {
    code: 'action_in_flight',
    status: 409,
    message:
      'The same action is still running for an earlier request; retry in a moment to receive its result',
  },
  { code: 'body_too_large', status: 413, message: 'Request body is too large' },
  { code: 'url_too_long', status: 414, message: 'A part of the URL is too long' },
  {
    code: 'content_type_unsupported',
    status: 415,
    message: 'Unsupported content type: send application/json',
  },
  {
    code: 'idempotency_key_reused',
    status: 422,
    message:
      'This Idempotency-Key was already used with a different payload for this action; use a new key',
  },
  {
    code: 'rate_limited',
    status: 429,
    message: 'Too many requests for this account: slow down and retry after the Retry-After header',
  },
  {
    code: 'credentials_backoff',
    status: 429,
    message:
      'Too many rejected credentials for this account from this address: retry after the Retry-After header',
  },
  { code: 'headers_too_large', status: 431, message: 'The request headers are too large' },
  // 5xx: the bridge, or what it depends on.
  {
    code: 'internal_error',
    status: 500,
    message: 'Internal error: the bridge failed to handle this request; quote its request_id',
  },
  { code: 'upstream_failed', status: 502, message: 'The external system failed' },
  { code: 'upstream_busy', status: 502, message: 'The external system is busy' },
  {
    code: 'upstream_unreachable',
    status: 502,
    message: 'The external system could not be reached',
  },
  {
    code: 'upstream_rate_limited',
    status: 502,
    message: 'The external system refused the calls as too many (HTTP 429)',
  },
  {
    code: 'upstream_order_violated',
    status: 502,
    message:
      'The external system listed contacts out of (update time, id) order: the synchronization stopped before it could skip any',
  },
  {
    code: 'upstream_slice_too_large',
    status: 502,
    message:
      'More contacts changed within one date-range slice than the connector may read at once: its manifest needs a smaller slice step',
  },
  {
    code: 'upstream_window_exhausted',
    status: 502,
    message:
      'More contacts share one update time than one query of the external system can page through: the synchronization stopped before it could skip any',
  },
  {
    code: 'upstream_unavailable',
    status: 503,
    message: 'The external system is not being called for now: retry after the Retry-After header',
  },
  {
    code: 'store_unavailable',
    status: 503,
    message: 'The shared store is unavailable; retry later',
  },
  { code: 'not_ready', status: 503, message: 'Not ready' },
  { code: 'upstream_timeout', status: 504, message: 'The external system did not answer in time' },
  {
    code: 'deadline_exceeded',
    status: 504,
    message: 'The external system did not answer within the request budget',
  },
] as const satisfies readonly ErrorDefinition[];

export type ErrorCode = (typeof ERRORS)[number]['code'];

/** Every code, in the order of the table (the OpenAPI enum of an error body's `code`). */
export const ERROR_CODES: readonly ErrorCode[] = ERRORS.map((entry) => entry.code);

const BY_CODE: ReadonlyMap<string, ErrorDefinition> = new Map(
  ERRORS.map((entry) => [entry.code, entry]),
);

export function errorDefinition(code: ErrorCode): ErrorDefinition {
  return BY_CODE.get(code)!;
}

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && BY_CODE.has(value);
}

export interface BridgeErrorOptions {
  cause?: unknown;
  /** Headers of its own on the error's response (e.g. Retry-After, WWW-Authenticate). */
  responseHeaders?: Record<string, string>;
}

/**
 * An error the bridge answers with its code, the code's status and its message (the table's
 * when none is given). Services, guards, pipes and adapters throw these (or subclasses);
 * the exception filter answers them.
 */
export class BridgeError extends Error {
  readonly status: number;
  readonly responseHeaders?: Readonly<Record<string, string>>;

  constructor(
    readonly code: ErrorCode,
    message?: string,
    options: BridgeErrorOptions = {},
  ) {
    const definition = errorDefinition(code);
    super(message ?? definition.message, 'cause' in options ? { cause: options.cause } : undefined);
    this.name = new.target.name;
    this.status = definition.status;
    if (options.responseHeaders) this.responseHeaders = options.responseHeaders;
  }
}
