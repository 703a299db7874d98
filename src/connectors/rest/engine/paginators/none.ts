import { PaginatorStrategy } from './paginator-strategy';

/** `none`: the list is one page. */
export const nonePaginator: PaginatorStrategy = {
  initial: () => ({ k: 'first' }),
  params: () => ({}),
  next: () => null,
};
