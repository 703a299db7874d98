import { FakeRequest } from './fake-http';
import { ZendeskUser } from './fake-zendesk-data';
import { Send } from './fake-zendesk-paging';
import { b64, unb64 } from './vendor-kit';

/** The Zendesk stand-in's incremental user exports, cursor based and time based. */

export interface ExportContext {
  users: ZendeskUser[];
  nowSeconds: () => number;
  view: (user: ZendeskUser) => unknown;
}

/** Oldest change first, then by id: the export's order. */
function exportOrder(users: ZendeskUser[]): ZendeskUser[] {
  return [...users].sort((a, b) => a.updated_s - b.updated_s || a.id - b.id);
}

/**
 * Incremental User Export, Cursor Based: `start_time` (epoch seconds) on the first request,
 * then `cursor`; up to 1,000 users per page (`per_page`); oldest change first; agents, admins
 * and deleted users included; `end_of_stream` when nothing is left, and the last `after_cursor`
 * stays valid for the next poll. Items changed within the minute before the request are left
 * out ("Using the Incremental Export API"). The cursor reads as `{updated}.0||{id}|`.
 */
export function cursorExport(ctx: ExportContext, req: FakeRequest, send: Send): void {
  const q = req.url.searchParams;
  const perPage = Number(q.get('per_page') ?? 1000);
  if (!Number.isInteger(perPage) || perPage < 1 || perPage > 1000) {
    return send(400, {
      error: 'InvalidPaginationParameter',
      description: 'per_page must be between 1 and 1000',
    });
  }
  let after: { s: number; id: number };
  const cursor = q.get('cursor');
  if (cursor) {
    const parts = /^(\d+)\.0\|\|(\d+)\|$/.exec(unb64(cursor));
    if (!parts)
      return send(400, { error: 'InvalidPaginationParameter', description: 'Invalid cursor' });
    after = { s: Number(parts[1]), id: Number(parts[2]) };
  } else {
    const start = startTime(ctx, q.get('start_time'), send);
    if (start === null) return;
    after = { s: start, id: 0 };
  }
  const bound = ctx.nowSeconds() - 60;
  const rest = exportOrder(ctx.users).filter(
    (u) =>
      u.updated_s <= bound &&
      (u.updated_s > after.s || (u.updated_s === after.s && u.id > after.id)),
  );
  const page = rest.slice(0, perPage);
  const last = page[page.length - 1];
  const position = last ? { s: last.updated_s, id: last.id } : after;
  const next = b64(`${position.s}.0||${position.id}|`);
  const url = new URL(req.url.toString());
  // The next page's URL keeps the request's other parameters (`per_page`), not `start_time`.
  url.searchParams.delete('start_time');
  url.searchParams.set('cursor', next);
  return send(200, {
    users: page.map((u) => ctx.view(u)),
    after_cursor: next,
    after_url: url.toString(),
    before_cursor: null,
    before_url: null,
    end_of_stream: rest.length <= perPage,
  });
}

/**
 * Incremental User Export, Time Based: users changed at or after `start_time`, 1,000 per page;
 * `end_time` is the last user's `updated_at` and the next page starts there, so users sharing
 * that second come again ("Time-based incremental exports": duplicates are expected);
 * `end_of_stream` when a page holds fewer than 1,000.
 */
export function timeExport(ctx: ExportContext, req: FakeRequest, send: Send): void {
  const q = req.url.searchParams;
  const start = startTime(ctx, q.get('start_time'), send);
  if (start === null) return;
  const perPage = Math.min(1000, Number(q.get('per_page') ?? 1000));
  const bound = ctx.nowSeconds() - 60;
  const page = exportOrder(ctx.users)
    .filter((u) => u.updated_s >= start && u.updated_s <= bound)
    .slice(0, perPage);
  const endTime = page.length ? page[page.length - 1].updated_s : start;
  const url = new URL(req.url.toString());
  url.searchParams.set('start_time', String(endTime));
  return send(200, {
    users: page.map((u) => ctx.view(u)),
    count: page.length,
    end_time: endTime,
    next_page: url.toString(),
    end_of_stream: page.length < perPage,
  });
}

/**
 * `start_time` is mandatory on a first request ("Incremental export workflow": "Define a start
 * time for the first scheduled export"), in epoch seconds, and must be at least a minute old.
 */
function startTime(ctx: ExportContext, text: string | null, send: Send): number | null {
  if (text === null) {
    send(400, { error: 'InvalidValue', description: 'start_time is required' });
    return null;
  }
  const value = Number(text);
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(value)) {
    send(400, {
      error: 'InvalidValue',
      description: 'start_time must be a Unix epoch time in seconds',
    });
    return null;
  }
  if (value > ctx.nowSeconds() - 60) {
    send(400, {
      error: 'InvalidValue',
      description: 'Too recent start_time. Use a start_time older than 1 minute',
    });
    return null;
  }
  return value;
}
