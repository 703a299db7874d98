import { BridgeError } from '../talkdesk/contract/errors';
import { TokenScope } from '../talkdesk/token-codec';

// How a refused sync token is explained (contacts.service.ts decides what is refused): a
// message that says why, so that an operator can tell a forged token from a stale one.

/** Why a token was not accepted, for a message: `meta.offset ${whyRefused(...)}`. */
export function whyRefused(scope: TokenScope, token: unknown): string {
  switch (scope.check(token)) {
    case 'forged':
      return 'failed its signature check (altered, issued to another account, or signed with a token secret no longer configured)';
    case 'unsigned':
      return 'was issued by an earlier version of the bridge, before tokens were signed';
    default:
      return 'is not one this bridge issued (corrupted, or of another kind or version)';
  }
}

/** The 400 for an offset that cannot be used: `token_invalid` when its signature fails. */
export function offsetRefused(scope: TokenScope, token: unknown): BridgeError {
  const code = scope.check(token) === 'forged' ? 'token_invalid' : 'offset_unreadable';
  return new BridgeError(
    code,
    `meta.offset ${whyRefused(scope, token)}: restart the synchronization without an offset`,
  );
}
