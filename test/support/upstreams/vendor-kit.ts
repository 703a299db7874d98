import { IncomingHttpHeaders } from 'node:http';

/**
 * Small pieces the vendor stand-ins share: fixed-window rate counters on an injectable clock,
 * HTTP Basic decoding, timestamps at a vendor's precision and opaque cursors.
 */

export type Clock = () => number;

export interface WindowTake {
  allowed: boolean;
  limit: number;
  remaining: number;
  /** Milliseconds until the window the request fell in resets. */
  resetMs: number;
}

/**
 * Fixed windows keyed by whatever the vendor counts by (an account, a token, an endpoint of an
 * account). A refused request is not counted, as the vendors say of theirs.
 */
export class RateWindows {
  private readonly windows = new Map<string, { start: number; used: number }>();

  constructor(private readonly clock: Clock) {}

  /** Counts `cost` units against `key` (some APIs charge a request more than one). */
  take(key: string, limit: number, windowMs: number, cost = 1): WindowTake {
    const now = this.clock();
    let w = this.windows.get(key);
    if (!w || now - w.start >= windowMs) {
      w = { start: now, used: 0 };
      this.windows.set(key, w);
    }
    const resetMs = Math.max(0, w.start + windowMs - now);
    if (w.used + cost > limit) return { allowed: false, limit, remaining: limit - w.used, resetMs };
    w.used += cost;
    return { allowed: true, limit, remaining: limit - w.used, resetMs };
  }

  /** The next `count` requests on `key` are refused within the current window. */
  exhaust(key: string, limit: number): void {
    this.windows.set(key, { start: this.clock(), used: limit });
  }

  reset(): void {
    this.windows.clear();
  }
}

/** `user:password` of an `Authorization: Basic …` header, or null. */
export function basicCredentials(
  headers: IncomingHttpHeaders,
): { user: string; password: string } | null {
  const match = /^Basic ([A-Za-z0-9+/=]+)$/.exec(headers.authorization ?? '');
  if (!match) return null;
  const text = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = text.indexOf(':');
  if (colon < 0) return null;
  return { user: text.slice(0, colon), password: text.slice(colon + 1) };
}

/** `2024-01-05T10:00:00Z`: ISO 8601 in whole seconds, as most of these APIs write times. */
export function isoSeconds(seconds: number): string {
  return new Date(seconds * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** Epoch seconds of an RFC 3339 / ISO 8601 text, or NaN. Fractions are kept. */
export function parseIso(text: string | null): number {
  if (!text || !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/.test(text)) {
    return NaN;
  }
  return Date.parse(text) / 1000;
}

export const b64 = (text: string) => Buffer.from(text, 'utf8').toString('base64');
export const unb64 = (text: string) => Buffer.from(text, 'base64').toString('utf8');

/** A deterministic phone number written the way people type them (five habits). */
export function typedPhone(area: string, exchange: string, line: number, habit: number): string {
  const l = String(line % 10000).padStart(4, '0');
  switch (habit % 5) {
    case 0:
      return `+1${area}${exchange}${l}`;
    case 1:
      return `(${area}) ${exchange}-${l}`;
    case 2:
      return `${area}.${exchange}.${l}`;
    case 3:
      return `${area}-${exchange}-${l}`;
    default:
      return `+1 ${area} ${exchange} ${l}`;
  }
}
