import { countOf, isShortPage, PaginatorStrategy } from './paginator-strategy';

/** `offset`: `offset_param` = start_offset, + n, + 2n...; ends at `total_records_path` or a short page. */
export const offsetPaginator: PaginatorStrategy = {
  initial: (p) => ({ k: 'offset', offset: p.startOffset }),
  params: (p, state) => (state.k === 'offset' ? { [p.offsetParam]: state.offset } : {}),
  next(p, context) {
    const { state, answer, recordCount } = context;
    if (state.k !== 'offset') return null;
    const offset = state.offset + recordCount;
    const total = p.totalRecordsPath ? countOf(p.totalRecordsPath.get(answer.body)) : undefined;
    if (total !== undefined && offset - p.startOffset >= total) return null;
    if (isShortPage(p, context)) return null;
    return { k: 'offset', offset };
  },
};
