import { ContactBatch, ContactQuery } from '../../../ports';
import { UpstreamError } from '../../../ports/errors';
import { CompiledSlice } from '../../manifest/compiled';
import { formatDate } from '../../manifest/dates';
import { Scope, toContact, toContactKey } from '../mapper';
import { initialState, PageState, stateKey } from '../paginators';
import { RestAccount } from '../rest-account';
import { RestClient } from '../rest-client';
import { checkedResume, positionCompare, REPEATED_PAGE } from '../resume';
import { ContactsStream } from './contacts-incremental';

/**
 * Date-range slices (`contacts.incremental.slice`), for an upstream that filters by update time
 * but does not sort by it (Freshdesk): the run's window is cut into slices of a declared step;
 * each slice is read whole (every page, its bounds in `{{ since }}` / `{{ until }}` or
 * `param` / `until_param`), bounded in size, and its records sorted by (update time, id), so the
 * bridge gets the order an incremental sync needs. A slice holding more than its bound is a
 * coded error (`upstream_slice_too_large`), never a silent cut. An empty slice doubles the step
 * of the next one (up to `max_step_seconds`), so a full sync crosses years without records in
 * a few requests; a slice with records brings the step back to the declared one.
 */

/** Paging state in next_offset: the slice holding the next record, and its step. */
interface SliceResume {
  lo: number;
  step: number;
}

function readResume(query: ContactQuery, slice: CompiledSlice): SliceResume | undefined {
  const r = query.resume as Partial<SliceResume> | undefined;
  if (!r || typeof r !== 'object' || !Number.isSafeInteger(r.lo) || !Number.isSafeInteger(r.step)) {
    return undefined;
  }
  if (r.step! < slice.stepMs || r.step! > slice.maxStepMs) return undefined;
  return r as SliceResume;
}

export class SliceTooLargeError extends UpstreamError {
  constructor(message: string) {
    super(message, false, 'upstream_slice_too_large');
  }
}

type Keyed = { key: { id: string; updatedAt: number }; raw: unknown };

export async function listSlices(
  client: RestClient,
  account: RestAccount,
  contacts: ContactsStream,
  query: ContactQuery,
  signal: AbortSignal,
): Promise<ContactBatch> {
  const inc = contacts.incremental!;
  const slice = inc.slice!;
  const unit = inc.precisionMs;
  const resumed = readResume(query, slice);
  const lower = Math.max(query.changedSince ?? slice.startMs, query.after?.updatedAt ?? -Infinity);
  let lo = resumed?.lo ?? Math.floor(lower / slice.stepMs) * slice.stepMs;
  let step = resumed?.step ?? slice.stepMs;
  const out: Keyed[] = [];
  let filtered = 0;
  let pages = 0;
  while (lo <= query.changedUntil) {
    const hi = lo + step;
    let read;
    try {
      read = await readSlice(client, account, contacts, lo, hi, query, signal);
    } catch (error) {
      // A widened slice that holds too much is read again at half the width.
      if (!(error instanceof SliceTooLargeError) || step <= slice.stepMs) throw error;
      step = Math.max(slice.stepMs, Math.floor(step / 2 / slice.stepMs) * slice.stepMs);
      continue;
    }
    pages += read.pages;
    filtered += read.filtered;
    const fresh = read.records.filter(
      (r) => !query.after || positionCompare(r.key, query.after) > 0,
    );
    const room = query.limit - out.length;
    out.push(...fresh.slice(0, room));
    if (fresh.length > room) {
      return finish(client, account, contacts, out, filtered, { lo, step }, unit);
    }
    step = read.records.length === 0 ? Math.min(step * 2, slice.maxStepMs) : slice.stepMs;
    lo = hi;
    if (out.length >= query.limit || pages >= client.manifest.maxPagesPerCall) break;
  }
  const more = lo <= query.changedUntil;
  return finish(client, account, contacts, out, filtered, more ? { lo, step } : null, unit);
}

/** One slice [lo, hi), read whole: its records within the slice and the run, sorted. */
async function readSlice(
  client: RestClient,
  account: RestAccount,
  contacts: ContactsStream,
  lo: number,
  hi: number,
  query: ContactQuery,
  signal: AbortSignal,
): Promise<{ records: Keyed[]; pages: number; filtered: number }> {
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
  const records = new Map<string, Keyed>();
  let state: PageState = initialState(contacts.paginator);
  const seen = new Set([stateKey(state)]);
  let pages = 0;
  let filtered = 0;
  let read = 0;
  for (;;) {
    const page = await client.readPage(account, contacts, scope, state, signal, 'contacts', {
      bounds,
    });
    pages++;
    filtered += page.filtered;
    read += page.records.length;
    // The list's total tells at once; else more than the bound read, or a next page past it.
    if (
      (page.total ?? 0) > slice.maxRecords ||
      read > slice.maxRecords ||
      (read >= slice.maxRecords && page.next)
    ) {
      throw new SliceTooLargeError(
        `More than ${slice.maxRecords} contacts changed between ${new Date(lo).toISOString()} and ${new Date(hi).toISOString()}: lower contacts.incremental.slice.step_seconds (or raise max_records if the API allows it)`,
      );
    }
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
    if (!page.next) break;
    const key = stateKey(page.next);
    if (seen.has(key)) throw new UpstreamError(REPEATED_PAGE);
    seen.add(key);
    state = page.next;
  }
  const sorted = [...records.values()].sort((a, b) => positionCompare(a.key, b.key));
  return { records: sorted, pages, filtered };
}

async function finish(
  client: RestClient,
  account: RestAccount,
  contacts: ContactsStream,
  out: Keyed[],
  filtered: number,
  next: SliceResume | null,
  unit: number,
): Promise<ContactBatch> {
  const mapped = await client.mapAll(
    'contacts',
    out.map((k) => k.raw),
    0,
    (raw) => toContact(contacts.fields, raw, { auth: account.auth }, true),
  );
  const records = mapped.flatMap((m) =>
    m.value ? [{ ...m.value, updatedAt: Math.floor(m.value.updatedAt / unit) * unit }] : [],
  );
  if (!next) return { records, hasMore: false, filtered };
  return { records, hasMore: true, resume: checkedResume(next), filtered };
}
