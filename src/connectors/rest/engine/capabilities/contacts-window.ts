import { ContactQuery } from '../../../ports';
import { UpstreamError } from '../../../ports/errors';
import { positionText } from '../resume';

/**
 * Window restart (`contacts.incremental.max_results`), for an upstream that stops paging one
 * query after so many results (HubSpot's search: 10,000, past which it answers 400). A query is
 * paged only while its next page fits under the cap; then it is issued again with the last
 * position handed out as its lower bound: from that update time on (inclusive), the records at
 * that time up to that id skipped as already sent. The records read but not yet final (those
 * sharing the last update time read) are read again by the new query, whole, so ties stay in
 * id order. Each restart moves the lower bound forward; one that could not (more records
 * sharing one update time than the cap) is the coded error `upstream_window_exhausted`.
 */

export class WindowExhaustedError extends UpstreamError {
  constructor(message: string) {
    super(message, false, 'upstream_window_exhausted');
  }
}

/** Whether a query that has paged through `read` results may ask for one more page. */
export const pageFits = (maxResults: number, pageSize: number, read: number) =>
  read + pageSize <= maxResults;

/**
 * The lower bound of the restarted query when nothing read in this window could be handed out:
 * the run's position, when it is past the current query's bound; else the window is exhausted.
 */
export function restartFrom(
  query: ContactQuery,
  since: number | null,
  maxResults: number,
  connector: string,
): number {
  const after = query.after;
  if (after && (since === null || after.updatedAt > since)) return after.updatedAt;
  const at = after ? ` after ${positionText(after)}` : '';
  throw new WindowExhaustedError(
    `The connector ${connector} read ${maxResults} contacts (contacts.incremental.max_results) sharing one update time${at}: a new query from the same update time cannot page past them, so the synchronization stopped before it could skip any`,
  );
}
