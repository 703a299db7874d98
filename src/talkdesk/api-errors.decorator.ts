import { applyDecorators } from '@nestjs/common';
import { ApiBasicAuth, ApiResponse, ApiSecurity } from '@nestjs/swagger';
import { ErrorCode, errorDefinition } from './contract/errors';
import { ErrorResponseDto } from './dto/error-response.dto';

/** The request id every example error carries. */
const EXAMPLE_REQUEST_ID = 'b5f0f1f4-5c1e-4a39-9c0e-3b8f2f0f7d21';

/** The codes every authenticated webhook can answer with, in the order they are documented. */
const COMMON_CODES: readonly ErrorCode[] = [
  'json_malformed',
  'json_too_deep',
  'body_empty',
  'body_not_object',
  'validation_failed',
  'credentials_rejected',
  'bridge_token_required',
  'address_not_allowed',
  'body_too_large',
  'content_type_unsupported',
  'rate_limited',
  'internal_error',
  'upstream_failed',
  'upstream_busy',
  'upstream_unreachable',
  'upstream_rate_limited',
  'upstream_unavailable',
  'upstream_timeout',
  'deadline_exceeded',
];

/** What each status means on a webhook; a webhook may say more about its own. */
const DESCRIPTIONS: Record<number, string> = {
  400: 'Malformed JSON or wrong field types (the message names the fields).',
  401: 'The external system rejected the credentials in auth (Talkdesk refreshes OAuth tokens and retries), or BRIDGE_TOKEN is set and the request does not carry it.',
  403: "IP_ALLOWLIST is set and the caller's address is not in it.",
  413: 'The body is larger than BODY_LIMIT_BYTES.',
  415: 'The body is not application/json.',
  429: 'The account made more than RATE_LIMIT_MAX requests to this webhook within RATE_LIMIT_WINDOW_SECONDS.',
  500: 'Unexpected failure; the body carries the request id, never a stack trace.',
  502: 'The external system failed or answered something unusable.',
  503: 'The external system is failing and calls to it are paused (circuit breaker open), or it asked for a pause longer than the request budget. Retry after the Retry-After header.',
  504: 'No answer within the request budget (REQUEST_BUDGET_MS): the external system is too slow. Sent at the deadline, never later.',
};

const RETRY_AFTER: Record<number, string> = {
  409: 'Seconds after which a retry receives the result.',
  429: 'Seconds until the account may call again.',
  503: 'Seconds to wait before retrying.',
};

/** Examples of what a webhook answers; `validation_failed` has no useful message of its own. */
const MESSAGES: Partial<Record<ErrorCode, string>> = {
  validation_failed: 'auth must be an object',
};

export interface WebhookErrorOptions {
  /** Codes of this webhook's own, beside the common ones (e.g. the offsets a sync refuses). */
  codes?: readonly ErrorCode[];
  /** What a status means on this webhook, where it says more than the common description. */
  descriptions?: Readonly<Record<number, string>>;
  /** Example messages, by code, where the table's default is not what this webhook says. */
  messages?: Readonly<Partial<Record<ErrorCode, string>>>;
}

/** The example body of one code. */
export function errorExample(code: ErrorCode, message?: string) {
  return {
    code,
    message: message ?? errorDefinition(code).message,
    request_id: EXAMPLE_REQUEST_ID,
  };
}

/**
 * Documents every error an authenticated Talkdesk webhook can answer: one response per status,
 * each with one example per code it can carry (the code's own message, or the webhook's), and the
 * BRIDGE_TOKEN security schemes.
 */
export function ApiWebhookErrors(options: WebhookErrorOptions = {}) {
  const messages = { ...MESSAGES, ...options.messages };
  const byStatus = new Map<number, ErrorCode[]>();
  for (const code of [...COMMON_CODES, ...(options.codes ?? [])]) {
    const { status } = errorDefinition(code);
    byStatus.set(status, [...(byStatus.get(status) ?? []), code]);
  }
  const responses = [...byStatus.entries()]
    .sort(([a], [b]) => a - b)
    .map(([status, codes]) => {
      const description = options.descriptions?.[status] ?? DESCRIPTIONS[status];
      if (!description) throw new Error(`ApiWebhookErrors: no description of status ${status}`);
      const retryAfter = RETRY_AFTER[status];
      return ApiResponse({
        status,
        description,
        type: ErrorResponseDto,
        examples: Object.fromEntries(
          codes.map((code) => [code, { summary: code, value: errorExample(code, messages[code]) }]),
        ),
        ...(retryAfter
          ? { headers: { 'Retry-After': { description: retryAfter, schema: { type: 'integer' } } } }
          : {}),
      });
    });
  return applyDecorators(
    // When BRIDGE_TOKEN is set, either of these carries it.
    ApiSecurity('bridge-token'),
    ApiBasicAuth('bridge-basic'),
    ...responses,
  );
}
