import { TOKEN_VERSION } from './contract/tokens';

/**
 * Opaque, versioned tokens for the values Talkdesk hands back to the bridge (`next_offset`,
 * `context`, `synchronization_checkpoint`): base64url JSON carrying its kind and version, so
 * that a token of another kind, another version or another system is recognised as unreadable.
 */

const MAX_TOKEN_LENGTH = 4096;

export function encodeToken(kind: string, payload: Record<string, unknown>): string {
  return Buffer.from(JSON.stringify({ k: kind, v: TOKEN_VERSION, ...payload })).toString(
    'base64url',
  );
}

/**
 * The payload of a token of `kind`, or null when the value is not such a token of this
 * version. `isPayload` checks the payload's shape: decoded tokens are untrusted input.
 */
export function decodeToken<T>(
  kind: string,
  token: unknown,
  isPayload: (value: Record<string, unknown>) => boolean,
): T | null {
  if (typeof token !== 'string' || token.length === 0 || token.length > MAX_TOKEN_LENGTH) {
    return null;
  }
  if (!/^[A-Za-z0-9_-]+$/.test(token)) return null;
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
  } catch {
    return null;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return null;
  const record = value as Record<string, unknown>;
  if (record.k !== kind || record.v !== TOKEN_VERSION) return null;
  return isPayload(record) ? (record as T) : null;
}
