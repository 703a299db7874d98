/**
 * The wait an HTTP `Retry-After` header asks for, in milliseconds: delta-seconds ("120") or an
 * HTTP date ("Wed, 21 Oct 2015 07:28:00 GMT", measured from `now`). Undefined when the header is
 * absent or unreadable; a date in the past means 0.
 */
export function parseRetryAfter(
  header: string | string[] | null | undefined,
  now: number = Date.now(),
): number | undefined {
  const value = (Array.isArray(header) ? header[0] : header)?.trim();
  if (!value) return undefined;
  if (/^\d+$/.test(value)) {
    const seconds = Number(value);
    return Number.isSafeInteger(seconds * 1000) ? seconds * 1000 : undefined;
  }
  // An HTTP date names its weekday or month in letters; plain numbers of another shape are refused.
  if (!/[A-Za-z]/.test(value)) return undefined;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/** A `Retry-After` value (whole seconds, at least 1) for a wait in milliseconds. */
export function formatRetryAfter(ms: number): string {
  return String(Math.max(1, Math.ceil(ms / 1000)));
}
