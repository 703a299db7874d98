import { headerText } from '../http';
import { followLink, PaginatorStrategy } from './paginator-strategy';

/** `<https://x/?page=2>; rel="next", <...>; rel="last"` → the URL of `rel`. */
export function linkOf(header: string | undefined, rel: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(/,(?=\s*<)/)) {
    const match = /^\s*<([^>]*)>(.*)$/.exec(part);
    if (!match) continue;
    const rels = /;\s*rel\s*=\s*(?:"([^"]*)"|([^\s;]+))/i.exec(match[2]);
    const names = (rels?.[1] ?? rels?.[2] ?? '').toLowerCase().split(/\s+/);
    if (names.includes(rel.toLowerCase())) return match[1];
  }
  return undefined;
}

/** `link_header`: follow `Link: <url>; rel="next"` (RFC 8288). */
export const linkHeaderPaginator: PaginatorStrategy = {
  initial: () => ({ k: 'first' }),
  params: () => ({}),
  next: (p, context) => followLink(linkOf(headerText(context.answer.headers.link), p.rel), context),
};
