import { FakeRequest } from './fake-http';
import { b64, unb64 } from './vendor-kit';

/** Paging of the Zendesk stand-in's list endpoints (Pagination, cursor and offset). */

export type Send = (status: number, body: unknown) => void;

/**
 * Pagination: cursor pagination with `page[size]` (at most 100) and `page[after]`, answering
 * `meta.has_more`, `meta.after_cursor` and `links.next`; without `page[size]`, offset pagination.
 */
export function page<T>(
  req: FakeRequest,
  items: T[],
  key: string,
  view: (t: T) => unknown,
  send: Send,
): void {
  const q = req.url.searchParams;
  if (!q.has('page[size]')) return offsetPage(req, items, key, view, send);
  const size = Number(q.get('page[size]'));
  if (!Number.isInteger(size) || size < 1 || size > 100) {
    return send(400, {
      error: 'InvalidPaginationParameter',
      description: 'page[size] must be between 1 and 100',
    });
  }
  const afterText = q.get('page[after]');
  const from = afterText ? Number(/^i(\d+)$/.exec(unb64(afterText))?.[1] ?? NaN) : 0;
  if (!Number.isInteger(from)) {
    return send(400, {
      error: 'InvalidPaginationParameter',
      description: 'page[after] is not valid',
    });
  }
  const page = items.slice(from, from + size);
  const more = from + size < items.length;
  const after = more ? b64(`i${from + size}`) : null;
  const next = new URL(req.url.toString());
  if (after) next.searchParams.set('page[after]', after);
  return send(200, {
    [key]: page.map(view),
    meta: {
      has_more: more,
      after_cursor: after,
      before_cursor: from > 0 ? b64(`i${from}`) : null,
    },
    links: { next: after ? next.toString() : null, prev: null },
  });
}

/** Offset pagination: `page` and `per_page` (at most 100), `next_page` and `count`. */
export function offsetPage<T>(
  req: FakeRequest,
  items: T[],
  key: string,
  view: (t: T) => unknown,
  send: Send,
): void {
  const q = req.url.searchParams;
  const page = Number(q.get('page') ?? 1);
  const perPage = Math.min(100, Number(q.get('per_page') ?? 100));
  if (!Number.isInteger(page) || page < 1 || !Number.isInteger(perPage) || perPage < 1) {
    return send(400, {
      error: 'InvalidPaginationParameter',
      description: 'page and per_page must be positive integers',
    });
  }
  const slice = items.slice((page - 1) * perPage, page * perPage);
  const next = new URL(req.url.toString());
  next.searchParams.set('page', String(page + 1));
  return send(200, {
    [key]: slice.map(view),
    next_page: page * perPage < items.length ? next.toString() : null,
    previous_page: null,
    count: items.length,
  });
}

/** Cursor pagination's `sort`: a field, `-` in front for descending (Pagination, "Sorting"). */
export function sortBy<T>(
  items: T[],
  sort: string,
  keys: Record<string, (t: T) => number>,
): T[] | null {
  const desc = sort.startsWith('-');
  const key = keys[desc ? sort.slice(1) : sort];
  if (!key) return null;
  return [...items].sort((a, b) => (desc ? key(b) - key(a) : key(a) - key(b)));
}
