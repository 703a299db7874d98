import { applyDecorators } from '@nestjs/common';
import {
  ApiBadGatewayResponse,
  ApiBadRequestResponse,
  ApiGatewayTimeoutResponse,
  ApiInternalServerErrorResponse,
  ApiPayloadTooLargeResponse,
  ApiServiceUnavailableResponse,
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
        'The external system rejected the credentials in auth (Talkdesk refreshes OAuth tokens and retries).',
      type: ErrorResponseDto,
    }),
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
