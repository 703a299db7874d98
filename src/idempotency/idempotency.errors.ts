import { ConflictException, UnprocessableEntityException } from '@nestjs/common';
import { WithResponseHeaders } from '../talkdesk/all-exceptions.filter';

/** The same action is still running for another request and did not finish while this one waited. */
export class ActionInFlightException extends ConflictException implements WithResponseHeaders {
  readonly responseHeaders = { 'retry-after': '1' };

  constructor() {
    super(
      'The same action is still running for an earlier request; retry in a moment to receive its result',
    );
  }
}

/** An Idempotency-Key sent again with a different payload. */
export class IdempotencyKeyReusedException extends UnprocessableEntityException {
  constructor() {
    super(
      'This Idempotency-Key was already used with a different payload for this action; use a new key',
    );
  }
}
