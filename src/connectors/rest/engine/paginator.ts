import { UpstreamError } from '../../ports/errors';
import { CompiledPaginator } from '../manifest/compiled';
import { headerText, UpstreamAnswer } from './http';

/**
 * Where a page of an upstream list is, as JSON (it travels in Talkdesk's next_offset):
 * the first page, a page number, an offset, a cursor, or a URL the upstream handed out.
 */
export type PageState =
  | { k: 'first' }
  | { k: 'page'; page: number; read: number }
  | { k: 'offset'; offset: number }
  | { k: 'cursor'; cursor: string }
  | { k: 'url'; url: string };

export function initialState(p: CompiledPaginator): PageState {
  switch (p.type) {
    case 'page_number':
      return { k: 'page', page: p.startPage, read: 0 };
    case 'offset':
      return { k: 'offset', offset: p.startOffset };
    default:
      return { k: 'first' };
  }
}

export const stateKey = (state: PageState) => JSON.stringify(state);

/** A page state read back from a token: checked, since tokens come back from outside. */
export function isPageState(value: unknown): value is PageState {
  if (typeof value !== 'object' || value === null) return false;
  const s = value as Record<string, unknown>;
  const count = (v: unknown) => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
  switch (s.k) {
    case 'first':
      return true;
    case 'page':
      return count(s.page) && count(s.read);
    case 'offset':
      return count(s.offset);
    case 'cursor':
      return typeof s.cursor === 'string' && s.cursor.length > 0 && s.cursor.length <= 2048;
    case 'url':
      return typeof s.url === 'string' && /^https?:\/\//.test(s.url) && s.url.length <= 2048;
    default:
      return false;
  }
}

/** The parameters the state adds to the request (page, offset, cursor, page size). */
export function pagingParams(p: CompiledPaginator, state: PageState): Record<string, unknown> {
  const params: Record<string, unknown> = {};
  if (p.pageSize !== undefined && p.pageSizeParam) params[p.pageSizeParam] = p.pageSize;
  switch (state.k) {
    case 'page':
      params[p.pageParam] = state.page;
      break;
    case 'offset':
      params[p.offsetParam] = state.offset;
      break;
    case 'cursor':
      params[p.cursorParam] = state.cursor;
      break;
  }
  return params;
}

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

const count = (value: unknown): number | undefined => {
  const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  return typeof n === 'number' && Number.isFinite(n) && n >= 0 ? n : undefined;
};

const flag = (value: unknown): boolean | undefined =>
  typeof value === 'boolean'
    ? value
    : value === 'true' || value === 1
      ? true
      : value === 'false' || value === 0
        ? false
        : undefined;

/**
 * The state of the page after this one, or null when this was the last. `requestUrl` resolves
 * relative links; `origin` is where links may point (the account's base URL): a link to any
 * other host is refused, so that an upstream cannot send the credentials elsewhere.
 */
export function nextState(
  p: CompiledPaginator,
  state: PageState,
  answer: UpstreamAnswer,
  recordCount: number,
  requestUrl: URL,
  origin: string,
  label: string,
): PageState | null {
  const more = p.hasMorePath ? flag(p.hasMorePath.get(answer.body)) : undefined;
  if (more === false) return null;
  if (p.lastPagePath && flag(p.lastPagePath.get(answer.body)) === true) return null;
  // An empty page ends every list, unless the upstream says explicitly that more follows.
  if (recordCount === 0 && more !== true) return null;
  const shortPage =
    more !== true && p.stopOnShortPage && p.pageSize !== undefined && recordCount < p.pageSize;
  const link = (raw: unknown): PageState | null => {
    if (typeof raw !== 'string' || raw.trim() === '') return null;
    let url: URL;
    try {
      url = new URL(raw.trim(), requestUrl);
    } catch {
      throw new UpstreamError(`The ${label} answer links to a next page that is not a URL`);
    }
    if (url.origin !== origin) {
      throw new UpstreamError(
        `The ${label} answer links to a next page on another host (${url.origin}): refused`,
      );
    }
    return { k: 'url', url: url.toString() };
  };
  switch (p.type) {
    case 'none':
      return null;
    case 'page_number': {
      if (state.k !== 'page') return null;
      const read = state.read + recordCount;
      const totalPages = p.totalPagesPath ? count(p.totalPagesPath.get(answer.body)) : undefined;
      if (totalPages !== undefined && state.page - p.startPage + 1 >= totalPages) return null;
      const total = p.totalRecordsPath ? count(p.totalRecordsPath.get(answer.body)) : undefined;
      if (total !== undefined && read >= total) return null;
      if (shortPage) return null;
      return { k: 'page', page: state.page + 1, read };
    }
    case 'offset': {
      if (state.k !== 'offset') return null;
      const offset = state.offset + recordCount;
      const total = p.totalRecordsPath ? count(p.totalRecordsPath.get(answer.body)) : undefined;
      if (total !== undefined && offset - p.startOffset >= total) return null;
      if (shortPage) return null;
      return { k: 'offset', offset };
    }
    case 'cursor': {
      const raw = p.cursorPath
        ? p.cursorPath.get(answer.body)
        : headerText(answer.headers[p.cursorHeader ?? '']);
      if (raw === undefined || raw === null || raw === '' || typeof raw === 'object') return null;
      return { k: 'cursor', cursor: String(raw) };
    }
    case 'link_header':
      return link(linkOf(headerText(answer.headers.link), p.rel));
    case 'next_url':
      return link(p.nextUrlPath?.get(answer.body));
  }
}
