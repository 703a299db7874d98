import { applyDecorators } from '@nestjs/common';
import {
  ApiBadGatewayResponse,
  ApiBadRequestResponse,
  ApiBasicAuth,
  ApiForbiddenResponse,
  ApiGatewayTimeoutResponse,
  ApiInternalServerErrorResponse,
  ApiPayloadTooLargeResponse,
  ApiServiceUnavailableResponse,
  ApiSecurity,
  ApiTooManyRequestsResponse,
  ApiUnauthorizedResponse,
  ApiUnsupportedMediaTypeResponse,
} from '@nestjs/swagger';
import { ErrorResponseDto } from './dto/error-response.dto';

/** The errors every authenticated Talkdesk webhook can answer. */
export function ApiWebhookErrors(
  badRequest = 'Malformed JSON or wrong field types (the message names the fields).',
) {
  return applyDecorators(
    ApiBadRequestResponse({ description: badRequest, type: ErrorResponseDto }),
    ApiUnauthorizedResponse({
      description:
        'The external system rejected the credentials in auth (Talkdesk refreshes OAuth tokens and retries), or BRIDGE_TOKEN is set and the request does not carry it.',
      type: ErrorResponseDto,
    }),
    ApiForbiddenResponse({
      description: "IP_ALLOWLIST is set and the caller's address is not in it.",
      type: ErrorResponseDto,
    }),
    ApiTooManyRequestsResponse({
      description:
        'The account made more than RATE_LIMIT_MAX requests to this webhook within RATE_LIMIT_WINDOW_SECONDS.',
      headers: {
        'Retry-After': {
          description: 'Seconds until the account may call again.',
          schema: { type: 'integer' },
        },
      },
      type: ErrorResponseDto,
    }),
    // When BRIDGE_TOKEN is set, either of these carries it.
    ApiSecurity('bridge-token'),
    ApiBasicAuth('bridge-basic'),
    ApiPayloadTooLargeResponse({
      description: 'The body is larger than BODY_LIMIT_BYTES.',
      type: ErrorResponseDto,
    }),
    ApiUnsupportedMediaTypeResponse({
      description: 'The body is not application/json.',
      type: ErrorResponseDto,
    }),
    ApiBadGatewayResponse({
      description: 'The external system failed or answered something unusable.',
      type: ErrorResponseDto,
    }),
    ApiServiceUnavailableResponse({
      description:
        'The external system is failing and calls to it are paused (circuit breaker open), or it asked for a pause longer than the request budget. Retry after the Retry-After header.',
      type: ErrorResponseDto,
      headers: {
        'Retry-After': {
          description: 'Seconds to wait before retrying.',
          schema: { type: 'integer', example: 10 },
        },
      },
    }),
    ApiGatewayTimeoutResponse({
      description:
        'No answer within the request budget (REQUEST_BUDGET_MS): the external system is too slow. Sent at the deadline, never later.',
      type: ErrorResponseDto,
    }),
    ApiInternalServerErrorResponse({
      description: 'Unexpected failure; the body carries the request id, never a stack trace.',
      type: ErrorResponseDto,
    }),
  );
}
