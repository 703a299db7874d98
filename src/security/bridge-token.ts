import { createHash, timingSafeEqual } from 'node:crypto';
import { IncomingHttpHeaders } from 'node:http';

export const BRIDGE_TOKEN_HEADER = 'x-bridge-token';

const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest();

/** The password of `Authorization: Basic base64(user:password)`, if that is what the header holds. */
function basicPassword(header: string | undefined): string | undefined {
  const match = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header ?? '');
  if (!match) return undefined;
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  return colon < 0 ? undefined : decoded.slice(colon + 1);
}

/**
 * Checks the shared secret of BRIDGE_TOKEN on a request: in the X-Bridge-Token header, or as the
 * password of HTTP basic authentication (any user name). Both sides are hashed to equal-length
 * digests and compared with timingSafeEqual, so the time taken says nothing about the token.
 */
export class BridgeTokenCheck {
  private readonly expected: Buffer;

  constructor(token: string) {
    this.expected = sha256(token);
  }

  matches(headers: IncomingHttpHeaders): boolean {
    const header = headers[BRIDGE_TOKEN_HEADER];
    const presented = typeof header === 'string' ? header : basicPassword(headers.authorization);
    // Always compare, even when nothing was presented, so that both paths cost the same.
    const equal = timingSafeEqual(sha256(presented ?? ''), this.expected);
    return presented !== undefined && equal;
  }
}
