import { createHmac, timingSafeEqual } from 'node:crypto';
import { TOKEN_VERSION } from './contract/tokens';

/**
 * Opaque, versioned, signed tokens for the values Talkdesk hands back to the bridge
 * (`next_offset`, `context`, `synchronization_checkpoint`): `<body>.<mac>`, where the body is
 * base64url JSON carrying its kind and version, and the mac an HMAC-SHA256 over the body and
 * the account the token was issued to, with the server's token secret. A token of another
 * kind, version or system is unreadable; one whose mac does not match (edited, issued to
 * another account, or signed with a secret no longer configured) is refused.
 */

const MAX_TOKEN_LENGTH = 4096;
const BODY = /^[A-Za-z0-9_-]+$/;
/** Separates the purpose, the account and the body in what the mac covers. */
const DOMAIN = 'talkdesk-bridge token';

/** The server's token secrets: tokens are signed with `current`; `previous` still verify. */
export class TokenSigner {
  private readonly current: Buffer;
  private readonly previous: Buffer[];

  constructor(current: string | Buffer, previous: readonly (string | Buffer)[] = []) {
    this.current = Buffer.from(current);
    this.previous = previous.map((secret) => Buffer.from(secret));
  }

  /** The scope of the tokens of one account (AccountRef.key): they verify for it alone. */
  forAccount(account: string): TokenScope {
    return new TokenScope(account, this.current, this.previous);
  }
}

/** Which secret signed a token, or why it is not one of ours. */
export type TokenCheck =
  /** Signed with the current secret. */
  | 'current'
  /** Signed with the previous secret (a rotation under way). */
  | 'previous'
  /** A token of the earlier, unsigned format. */
  | 'unsigned'
  /** Shaped like a signed token, but its mac matches no secret for this account. */
  | 'forged'
  /** Not a token at all. */
  | 'unreadable';

export class TokenScope {
  /**
   * The last token checked and its answer: a request checks the same token more than once (read
   * it, then ask which secret signed it), and each check is an HMAC. The answer depends only on
   * the token, the account and the secrets, which a scope never changes.
   */
  private lastChecked?: { token: string; check: TokenCheck };

  constructor(
    readonly account: string,
    private readonly current: Buffer,
    private readonly previous: readonly Buffer[],
  ) {}

  /** `body` signed: `<body>.<mac>`. */
  seal(body: string): string {
    return `${body}.${this.mac(this.current, body).toString('base64url')}`;
  }

  /** Which secret signed `token`, or why it is not a token of this account. */
  check(token: unknown): TokenCheck {
    if (typeof token !== 'string' || token.length === 0 || token.length > MAX_TOKEN_LENGTH) {
      return 'unreadable';
    }
    const parts = token.split('.');
    if (parts.length === 1) return readBody(token) ? 'unsigned' : 'unreadable';
    if (parts.length !== 2 || !BODY.test(parts[0]) || !BODY.test(parts[1])) return 'unreadable';
    if (this.lastChecked?.token === token) return this.lastChecked.check;
    const check = this.verify(parts[0], parts[1]);
    this.lastChecked = { token, check };
    return check;
  }

  private verify(body: string, mac: string): TokenCheck {
    const given = Buffer.from(mac, 'base64url');
    if (this.matches(this.current, body, given)) return 'current';
    if (this.previous.some((secret) => this.matches(secret, body, given))) return 'previous';
    return 'forged';
  }

  /** The JSON body of a token signed for this account, or null. */
  open(token: unknown): Record<string, unknown> | null {
    const check = this.check(token);
    if (check !== 'current' && check !== 'previous') return null;
    return readBody((token as string).split('.')[0]);
  }

  private mac(secret: Buffer, body: string): Buffer {
    return createHmac('sha256', secret)
      .update(`${DOMAIN}\n${this.account.length}:${this.account}\n${body}`)
      .digest();
  }

  private matches(secret: Buffer, body: string, given: Buffer): boolean {
    const expected = this.mac(secret, body);
    return given.length === expected.length && timingSafeEqual(given, expected);
  }
}

/** The JSON object in a token's body, when it is one carrying a kind. */
function readBody(body: string): Record<string, unknown> | null {
  if (!BODY.test(body)) return null;
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(body, 'base64url').toString('utf8'));
  } catch {
    return null;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return null;
  const record = value as Record<string, unknown>;
  return typeof record.k === 'string' ? record : null;
}

export function encodeToken(
  scope: TokenScope,
  kind: string,
  payload: Record<string, unknown>,
): string {
  return scope.seal(
    Buffer.from(JSON.stringify({ k: kind, v: TOKEN_VERSION, ...payload })).toString('base64url'),
  );
}

/**
 * The payload of a token of `kind`, of this version, signed for the scope's account, or null
 * (TokenScope.check says why). `isPayload` checks the payload's shape: even a signed token
 * may come from an older release of the bridge.
 */
export function decodeToken<T>(
  scope: TokenScope,
  kind: string,
  token: unknown,
  isPayload: (value: Record<string, unknown>) => boolean,
): T | null {
  const record = scope.open(token);
  if (!record || record.k !== kind || record.v !== TOKEN_VERSION) return null;
  return isPayload(record) ? (record as T) : null;
}
