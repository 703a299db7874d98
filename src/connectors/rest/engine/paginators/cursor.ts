import { headerText } from '../http';
import { PaginatorStrategy } from './paginator-strategy';

/** `cursor`: the next cursor is read from the answer (`cursor_path` or `cursor_header`). */
export const cursorPaginator: PaginatorStrategy = {
  initial: () => ({ k: 'first' }),
  params: (p, state) => (state.k === 'cursor' ? { [p.cursorParam]: state.cursor } : {}),
  next(p, { answer }) {
    const raw = p.cursorPath
      ? p.cursorPath.get(answer.body)
      : headerText(answer.headers[p.cursorHeader ?? '']);
    if (raw === undefined || raw === null || raw === '' || typeof raw === 'object') return null;
    return { k: 'cursor', cursor: String(raw) };
  },
};
