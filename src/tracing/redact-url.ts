/**
 * A URL as a span (`url.full`, and `url.query` without its `?`) may show it: without user and password, every query value replaced by
 * `REDACTED` (as OpenTelemetry's semantic conventions write it), names kept. A query may carry
 * an API key (`authentication.in: query`) or a caller's phone number or email.
 */
export function redactedUrl(url: URL): { full: string; query: string } {
  const copy = new URL(url.href);
  copy.username = '';
  copy.password = '';
  const names = [...copy.searchParams.keys()];
  const query = names.map((name) => `${encodeURIComponent(name)}=REDACTED`).join('&');
  copy.search = query;
  return { full: copy.href, query };
}
