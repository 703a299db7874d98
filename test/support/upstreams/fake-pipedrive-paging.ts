import { FakeRequest } from './fake-http';
import { b64, unb64 } from './vendor-kit';

/** Answer shapes and cursor paging shared by the Pipedrive stand-in's endpoints. */

export type Send = (status: number, body: unknown) => void;

const INFO = 'Please check developers.pipedrive.com for more information about Pipedrive API.';

/** "Responses", error schema: `{ success: false, error, error_info, data: null, additional_data: null }`. */
export const failure = (error: string) => ({
  success: false,
  error,
  error_info: INFO,
  data: null,
  additional_data: null,
});

/**
 * v2's stricter validation (API v2 migration guide: "Numeric fields no longer coerce string
 * input to number and instead throw a validation error"), as a 400 naming the field.
 */
export const v2Invalid = (field: string, message: string) => ({
  ...failure(`Validation failed: ${field}: ${message}`),
  code: 'ERR_SCHEMA_VALIDATION_FAILED',
});

interface Position {
  v: number | string;
  id: number;
}

/**
 * "Pagination", cursor pagination (every v2 list): `limit` (default 100, at most 500) and an
 * opaque `cursor` marking the first item of the next page; `additional_data.next_cursor` is
 * null on the last page. `sort_by` / `sort_direction` choose the order, the id breaks ties.
 */
export function cursorPage<T extends { id: number }>(
  req: FakeRequest,
  items: T[],
  keys: Record<string, (t: T) => number | string>,
  view: (t: T) => unknown,
  send: Send,
): void {
  const q = req.url.searchParams;
  const limit = Number(q.get('limit') ?? 100);
  if (!Number.isInteger(limit) || limit < 1 || limit > 500) {
    return send(400, v2Invalid('limit', 'Number must be less than or equal to 500'));
  }
  const sortBy = q.get('sort_by') ?? 'id';
  const key = keys[sortBy];
  if (!key)
    return send(
      400,
      v2Invalid(
        'sort_by',
        `Invalid enum value. Expected ${Object.keys(keys)
          .map((k) => `'${k}'`)
          .join(' | ')}`,
      ),
    );
  const direction = q.get('sort_direction') ?? 'asc';
  if (direction !== 'asc' && direction !== 'desc') {
    return send(400, v2Invalid('sort_direction', "Invalid enum value. Expected 'asc' | 'desc'"));
  }
  const sign = direction === 'asc' ? 1 : -1;
  const compare = (a: Position, b: Position) =>
    sign * (a.v < b.v ? -1 : a.v > b.v ? 1 : a.id - b.id);
  const positioned = items
    .map((t) => ({ t, p: { v: key(t), id: t.id } }))
    .sort((a, b) => compare(a.p, b.p));
  let from = 0;
  const cursor = q.get('cursor');
  if (cursor) {
    let at: Position;
    try {
      at = JSON.parse(unb64(cursor)) as Position;
      if (typeof at?.id !== 'number' || (typeof at.v !== 'number' && typeof at.v !== 'string'))
        throw new Error();
    } catch {
      return send(400, v2Invalid('cursor', 'Invalid cursor'));
    }
    // The cursor marks the first item of the page: everything at or after it in the order.
    from = positioned.findIndex((x) => compare(x.p, at) >= 0);
    if (from < 0) from = positioned.length;
  }
  const page = positioned.slice(from, from + limit);
  const following = positioned[from + limit];
  return send(200, {
    success: true,
    data: page.map((x) => view(x.t)),
    additional_data: { next_cursor: following ? b64(JSON.stringify(following.p)) : null },
  });
}
