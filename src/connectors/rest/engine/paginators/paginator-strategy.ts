import { UpstreamError } from '../../../ports/errors';
import { CompiledPaginator } from '../../manifest/compiled';
import { UpstreamAnswer } from '../http';
import { PageState } from './page-state';

/** What a strategy is told about the page just read. */
export interface PageContext {
  state: PageState;
  answer: UpstreamAnswer;
  recordCount: number;
  /** The URL the page was read from: relative links resolve against it. */
  requestUrl: URL;
  /** Where links may point (the account's base URL's origin). */
  origin: string;
  label: string;
  /** The answer's `has_more_path` when it says true: more pages follow whatever else says. */
  saysMore: boolean;
}

/**
 * One way of paging (`paginator.type`): where it starts, what it adds to a request, and where
 * the next page is. A new kind of paging is a new file beside this one, listed in `index.ts`.
 */
export interface PaginatorStrategy {
  initial(p: CompiledPaginator): PageState;
  /** The parameters the state adds to the request (page, offset, cursor). */
  params(p: CompiledPaginator, state: PageState): Record<string, unknown>;
  /** The state of the next page, or null when this was the last. */
  next(p: CompiledPaginator, context: PageContext): PageState | null;
}

/** A number in an answer (a total, a page count), or undefined. */
export const countOf = (value: unknown): number | undefined => {
  const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  return typeof n === 'number' && Number.isFinite(n) && n >= 0 ? n : undefined;
};

/** A boolean in an answer (`true`, `"false"`, `1`...), or undefined. */
export const flagOf = (value: unknown): boolean | undefined =>
  typeof value === 'boolean'
    ? value
    : value === 'true' || value === 1
      ? true
      : value === 'false' || value === 0
        ? false
        : undefined;

/** With `page_size`: a page with fewer records is the last one (unless the answer says more). */
export const isShortPage = (p: CompiledPaginator, context: PageContext) =>
  !context.saysMore &&
  p.stopOnShortPage &&
  p.pageSize !== undefined &&
  context.recordCount < p.pageSize;

/**
 * A next-page link the upstream handed out, resolved against the request's URL. A link to
 * any other origin than the account's is refused, so that an upstream cannot send the
 * credentials elsewhere.
 */
export function followLink(raw: unknown, context: PageContext): PageState | null {
  if (typeof raw !== 'string' || raw.trim() === '') return null;
  let url: URL;
  try {
    url = new URL(raw.trim(), context.requestUrl);
  } catch {
    throw new UpstreamError(`The ${context.label} answer links to a next page that is not a URL`);
  }
  if (url.origin !== context.origin) {
    throw new UpstreamError(
      `The ${context.label} answer links to a next page on another host (${url.origin}): refused`,
    );
  }
  return { k: 'url', url: url.toString() };
}
