import { countOf, isShortPage, PaginatorStrategy } from './paginator-strategy';

/**
 * `page_number`: `page_param` = start_page, start_page + 1...; the last page is the one
 * `total_pages_path` or `total_records_path` say, or a short one.
 */
export const pageNumberPaginator: PaginatorStrategy = {
  initial: (p) => ({ k: 'page', page: p.startPage, read: 0 }),
  params: (p, state) => (state.k === 'page' ? { [p.pageParam]: state.page } : {}),
  next(p, context) {
    const { state, answer, recordCount } = context;
    if (state.k !== 'page') return null;
    const read = state.read + recordCount;
    const totalPages = p.totalPagesPath ? countOf(p.totalPagesPath.get(answer.body)) : undefined;
    if (totalPages !== undefined && state.page - p.startPage + 1 >= totalPages) return null;
    const total = p.totalRecordsPath ? countOf(p.totalRecordsPath.get(answer.body)) : undefined;
    if (total !== undefined && read >= total) return null;
    if (isShortPage(p, context)) return null;
    return { k: 'page', page: state.page + 1, read };
  },
};
