import { followLink, PaginatorStrategy } from './paginator-strategy';

/** `next_url`: follow the URL the answer holds at `next_url_path`. */
export const nextUrlPaginator: PaginatorStrategy = {
  initial: () => ({ k: 'first' }),
  params: () => ({}),
  next: (p, context) => followLink(p.nextUrlPath?.get(context.answer.body), context),
};
