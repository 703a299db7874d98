import { BridgeError } from '../talkdesk/contract/errors';

/** The same action is still running for another request and did not finish while this one waited. */
export class ActionInFlightException extends BridgeError {
  declare readonly responseHeaders: Readonly<Record<string, string>>;

  constructor() {
    super('action_in_flight', undefined, { responseHeaders: { 'retry-after': '1' } });
  }
}

/** An Idempotency-Key sent again with a different payload. */
export class IdempotencyKeyReusedException extends BridgeError {
  constructor() {
    super('idempotency_key_reused');
  }
}
