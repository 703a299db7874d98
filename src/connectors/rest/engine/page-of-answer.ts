import type { Logger } from '@nestjs/common';
import { CompiledStream } from '../manifest/compiled';
import { UpstreamAnswer } from './http';
import { nextState, PageState } from './paginators';
import { countOf } from './paginators/paginator-strategy';
import { filterRecords } from './records/record-filter';

export interface Page {
  /** The records the stream's record filter kept. */
  records: unknown[];
  /** How many the filter left out. */
  filtered: number;
  /** The list's total, when the paginator reads one (`total_records_path`). */
  total?: number;
  /** The next page, null at the end. */
  next: PageState | null;
  status: number;
  /** The upstream said there is no such contact (an `errors.rules` action). */
  notFound?: boolean;
  /** Size of the answer it was read from (what keeping it for the next batch costs). */
  bytes: number;
  /** Kept from an earlier batch of the run (kept-pages.ts): no request was sent for it. */
  carried?: boolean;
  /** How long the request took, without any pacing wait before it (0 when carried). */
  ms?: number;
}

/**
 * Reading a list's answer as a page (rest-client.ts sends the request): its records at the
 * stream's record selector, filtered, the list's total, and the state of the next page.
 */
export function pageOf(
  stream: CompiledStream,
  state: PageState,
  answer: UpstreamAnswer & { url: URL; notFound: boolean },
  origin: string,
  label: string,
  accept: ReadonlySet<number> | undefined,
  logger: Pick<Logger, 'warn'>,
): Page {
  const bytes = answer.bytes ?? 0;
  const { ms } = answer;
  if (answer.notFound) {
    return {
      records: [],
      filtered: 0,
      next: null,
      status: answer.status,
      notFound: true,
      bytes,
      ms,
    };
  }
  if (accept?.has(answer.status) && (answer.status < 200 || answer.status >= 300)) {
    return { records: [], filtered: 0, next: null, status: answer.status, bytes, ms };
  }
  const selected = stream.selector.get(answer.body);
  let records: unknown[];
  if (Array.isArray(selected)) records = selected;
  else if (selected === undefined || selected === null) {
    if (selected === undefined && answer.body !== null) {
      logger.warn(
        `The ${label} answer has nothing at ${stream.where}.record_selector: read as an empty page`,
      );
    }
    records = [];
  } else records = [selected];
  const next = nextState(
    stream.paginator,
    state,
    answer,
    records.length,
    answer.url,
    origin,
    label,
  );
  const kept = filterRecords(stream.recordFilter, records);
  const total = stream.paginator.totalRecordsPath
    ? countOf(stream.paginator.totalRecordsPath.get(answer.body))
    : undefined;
  return {
    records: kept.records,
    filtered: kept.filtered,
    next,
    status: answer.status,
    bytes,
    ms,
    ...(total !== undefined && { total }),
  };
}
