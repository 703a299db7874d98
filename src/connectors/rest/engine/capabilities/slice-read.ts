import { ContactQuery, ContactRecord } from '../../../ports';
import { UpstreamError } from '../../../ports/errors';
import { formatDate } from '../../manifest/dates';
import { Scope, toContact, toContactKey } from '../mapper';
import { initialState, PageState, stateKey } from '../paginators';
import { RestAccount } from '../rest-account';
import { RestClient } from '../rest-client';
import { positionCompare, REPEATED_PAGE } from '../resume';
import { ContactsStream } from './contacts-incremental';

/**
 * Reading one date-range slice whole (contacts-slices.ts decides which slices to read and
 * when): its pages, each kept for the batch or attempt after this one, and its records sorted
 * by (update time, id), the order an incremental sync needs.
 */

export type Keyed = { key: { id: string; updatedAt: number }; raw: unknown };

/** What the batch has spent so far: pages asked of the upstream, and the slowest of them. */
export interface Spent {
  pages: number;
  slowest: number;
}

export type SliceRead = { filtered: number; total?: number; carryId: string } & (
  | { kind: 'whole'; records: Keyed[] }
  /** `sample`: the update times of its first page's records in the slice, in the page's order. */
  | { kind: 'large'; sample: number[] }
  | { kind: 'late'; pages: number }
);

/**
 * One slice [lo, hi), read whole: its records within the slice and the run, sorted; or `large`
 * (more than its bound, told by the total at once) or `late` (out of time before its end).
 * Every page read is kept under an id of the run and the slice: the batch after this one, or
 * an attempt made again after a failure (a 429 halfway), reads it from there.
 */
export async function readSlice(
  client: RestClient,
  account: RestAccount,
  contacts: ContactsStream,
  lo: number,
  hi: number,
  query: ContactQuery,
  signal: AbortSignal,
  spent: Spent,
  /** What a pacing wait must leave of the budget (pacer.ts), when the batch has records. */
  reserve: () => number | undefined,
): Promise<SliceRead> {
  const inc = contacts.incremental!;
  const slice = inc.slice!;
  // `until` is the last instant the slice holds, at the format's precision (a day for `date`).
  const since = formatDate(lo, inc.format);
  const until = formatDate(hi - 1, inc.format);
  const scope: Scope = { auth: account.auth, limit: query.limit, since, until };
  const bounds = {
    params: {
      ...(inc.param && { [inc.param]: since }),
      ...(inc.untilParam && { [inc.untilParam]: until }),
    },
    in: inc.paramIn,
  };
  const carryId = `slice ${query.changedSince ?? ''} ${query.changedUntil} ${lo} ${hi}`;
  const records = new Map<string, Keyed>();
  let state: PageState = initialState(contacts.paginator);
  const seen = new Set([stateKey(state)]);
  let filtered = 0;
  let read = 0;
  let total: number | undefined;
  /** The first page's update times, in its order: where a range too large holds its changes. */
  const sample: number[] = [];
  // Records outside the slice mean the upstream bounds it below only: its total is not the slice's.
  let bounded = true;
  for (let pages = 0; ; pages++) {
    if (pages > 0 && spent.pages > 0 && !client.timeForAnotherPage(signal, spent.slowest)) {
      return { kind: 'late', pages, filtered: 0, carryId };
    }
    const page = await client.readPage(account, contacts, scope, state, signal, 'contacts', {
      bounds,
      carried: carryId,
      pacingReserveMs: reserve(),
    });
    if (!page.carried) {
      spent.pages++;
      // The request alone: a pacing wait is bounded by the reserve, not repeated per page.
      spent.slowest = Math.max(spent.slowest, page.ms ?? 0);
      await client.carry.add(account, carryId, stateKey(state), page, page.bytes);
    }
    filtered += page.filtered;
    // What the upstream counts: the records the record filter left out too.
    read += page.records.length + page.filtered;
    total ??= page.total;
    const keys = await client.mapAll(
      'contacts',
      page.records,
      0,
      (r) => toContactKey(contacts.fields, r, { auth: account.auth }),
      false,
    );
    for (const { index, value } of keys) {
      if (!value) continue;
      value.updatedAt = Math.floor(value.updatedAt / inc.precisionMs) * inc.precisionMs;
      if (value.updatedAt < lo || value.updatedAt >= hi) bounded = false;
      else if (pages === 0) sample.push(value.updatedAt);
      // An upstream with only a lower bound lists later changes too: they belong to later slices.
      if (value.updatedAt < lo || value.updatedAt >= hi || value.updatedAt > query.changedUntil) {
        continue;
      }
      // The first slice starts at the day of the lower bound: what changed before it is out.
      if (query.changedSince !== undefined && value.updatedAt < query.changedSince) continue;
      const known = records.get(value.id);
      if (!known || positionCompare(value, known.key) > 0) {
        records.set(value.id, { key: value, raw: page.records[index] });
      }
    }
    // The list's total tells at once; else more than the bound read, or a next page past it.
    if (
      (total ?? 0) > slice.maxRecords ||
      read > slice.maxRecords ||
      (read >= slice.maxRecords && page.next)
    ) {
      await client.carry.release(account, carryId);
      return {
        kind: 'large',
        sample,
        filtered: 0,
        carryId,
        ...(bounded && total !== undefined && { total }),
      };
    }
    if (!page.next) break;
    const key = stateKey(page.next);
    if (seen.has(key)) throw new UpstreamError(REPEATED_PAGE);
    seen.add(key);
    state = page.next;
  }
  const sorted = [...records.values()].sort((a, b) => positionCompare(a.key, b.key));
  return {
    kind: 'whole',
    records: sorted,
    filtered,
    carryId,
    ...(bounded && { total: total ?? read }),
  };
}

/** The contacts of sorted records, their update times at the format's precision. */
export async function toContacts(
  client: RestClient,
  account: RestAccount,
  contacts: ContactsStream,
  keyed: Keyed[],
): Promise<ContactRecord[]> {
  const unit = contacts.incremental!.precisionMs;
  const mapped = await client.mapAll(
    'contacts',
    keyed.map((k) => k.raw),
    0,
    (raw) => toContact(contacts.fields, raw, { auth: account.auth }, true),
  );
  return mapped.flatMap((m) =>
    m.value ? [{ ...m.value, updatedAt: Math.floor(m.value.updatedAt / unit) * unit }] : [],
  );
}
