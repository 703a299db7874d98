import { CompiledPaginator } from '../../manifest/compiled';
import { PaginatorType } from '../../manifest/manifest.types';
import { UpstreamAnswer } from '../http';
import { cursorPaginator } from './cursor';
import { linkHeaderPaginator } from './link-header';
import { nextUrlPaginator } from './next-url';
import { nonePaginator } from './none';
import { offsetPaginator } from './offset';
import { PageState } from './page-state';
import { pageNumberPaginator } from './page-number';
import { flagOf, PaginatorStrategy } from './paginator-strategy';

export { isPageState, stateKey } from './page-state';
export type { PageState } from './page-state';
export { linkOf } from './link-header';

/** The paging strategies by `paginator.type`: one file each. */
export const PAGINATORS: Readonly<Record<PaginatorType, PaginatorStrategy>> = {
  none: nonePaginator,
  page_number: pageNumberPaginator,
  offset: offsetPaginator,
  cursor: cursorPaginator,
  link_header: linkHeaderPaginator,
  next_url: nextUrlPaginator,
};

export function initialState(p: CompiledPaginator): PageState {
  return PAGINATORS[p.type].initial(p);
}

/** The parameters the state adds to the request (page, offset, cursor, page size). */
export function pagingParams(p: CompiledPaginator, state: PageState): Record<string, unknown> {
  return {
    ...(p.pageSize !== undefined && p.pageSizeParam && { [p.pageSizeParam]: p.pageSize }),
    ...PAGINATORS[p.type].params(p, state),
  };
}

/**
 * The state of the page after this one, or null when this was the last. `requestUrl` resolves
 * relative links; `origin` is where links may point (the account's base URL): a link to any
 * other host is refused, so that an upstream cannot send the credentials elsewhere. Whatever
 * the strategy, `has_more_path` false, `last_page_path` true, or an empty page (unless the
 * answer says more follow) end the list.
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
  const more = p.hasMorePath ? flagOf(p.hasMorePath.get(answer.body)) : undefined;
  if (more === false) return null;
  if (p.lastPagePath && flagOf(p.lastPagePath.get(answer.body)) === true) return null;
  if (recordCount === 0 && more !== true) return null;
  return PAGINATORS[p.type].next(p, {
    state,
    answer,
    recordCount,
    requestUrl,
    origin,
    label,
    saysMore: more === true,
  });
}
