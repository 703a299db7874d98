import { applyDecorators } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiInternalServerErrorResponse,
  ApiPayloadTooLargeResponse,
  ApiUnauthorizedResponse,
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
    ApiInternalServerErrorResponse({
      description: 'Unexpected failure; the body carries the request id, never a stack trace.',
      type: ErrorResponseDto,
    }),
  );
}
