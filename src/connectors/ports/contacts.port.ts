import { AccountRef, CallOptions } from './account';

/** Position of a contact in the (updatedAt, id) order every adapter lists contacts in. */
export interface ContactPosition {
  /** Epoch milliseconds of the contact's last change. */
  updatedAt: number;
  id: string;
}

const INTEGER = /^\d+$/;
const LEADING_ZEROS = /^0+/;

/** Ids compare as numbers when both are integers, else as strings (UTF-16 code units). */
export function compareContactIds(a: string, b: string): number {
  if (INTEGER.test(a) && INTEGER.test(b)) {
    const x = a.replace(LEADING_ZEROS, '');
    const y = b.replace(LEADING_ZEROS, '');
    if (x.length !== y.length) return x.length < y.length ? -1 : 1;
    return x < y ? -1 : x > y ? 1 : 0;
  }
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * The (updatedAt, id) order every adapter of an incremental connector lists contacts in:
 * negative when `a` comes first, 0 for the same position.
 */
export function compareContactPositions(a: ContactPosition, b: ContactPosition): number {
  return a.updatedAt !== b.updatedAt
    ? a.updatedAt < b.updatedAt
      ? -1
      : 1
    : compareContactIds(a.id, b.id);
}

export interface ContactRecord extends ContactPosition {
  name?: string | null;
  title?: string | null;
  company?: string | null;
  emails?: (string | null)[] | null;
  phones?: (string | null)[] | null;
  websites?: (string | null)[] | null;
  photoUrl?: string | null;
  address?: string | null;
  twitter?: string | null;
  url?: string | null;
  customFields?: { key: string; value: unknown }[] | null;
}

/**
 * An adapter's own paging state (JSON): where an HTTP upstream's cursor, page number or next URL
 * stood after a batch. The bridge carries it, unread, inside its next_offset.
 */
export type ResumeState =
  string | number | boolean | null | ResumeState[] | { [key: string]: ResumeState };

export interface ContactQuery {
  /** Only contacts strictly after this position. */
  after?: ContactPosition;
  /** Only contacts changed at or after this time (epoch ms). */
  changedSince?: number;
  /** Only contacts changed at or before this time (epoch ms): the run's fixed upper bound. */
  changedUntil: number;
  limit: number;
  /**
   * The `resume` of the previous batch of this run, when it gave one: lets the adapter continue
   * its external system's own paging instead of searching for `after` again. Optional: an
   * adapter that gives none ignores it, and one that gives it must still honour `after`.
   */
  resume?: ResumeState;
  /**
   * A full sync of a connector whose full syncs are unordered (capabilities.fullSyncOrder):
   * every contact in the external system's own order, paged by `resume` alone; `after` and
   * `changedSince` are never set, and `changedUntil` is only the instant the run started.
   */
  unordered?: boolean;
}

export interface ContactBatch {
  /**
   * In ascending (updatedAt, id) order (compareContactPositions), each after the query's `after`:
   * the contacts service refuses a batch out of order (`upstream_order_violated`). An unordered
   * query's batches come in the external system's order, each contact once.
   */
  records: ContactRecord[];
  /** True when more contacts match the query after the last record. */
  hasMore: boolean;
  /** The adapter's paging state for the next batch (see ContactQuery.resume); only with hasMore. */
  resume?: ResumeState;
  /**
   * Records of the external system the connector left out on purpose (its manifest's record
   * filter: not contacts, such as agents or deleted users), for the metrics.
   */
  filtered?: number;
}

export abstract class ContactsPort {
  abstract listContacts(
    account: AccountRef,
    query: ContactQuery,
    options: CallOptions,
  ): Promise<ContactBatch>;
}
