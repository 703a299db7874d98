import { ContactBatch, ContactQuery, ContactRecord } from '../../../ports';
import { RetryableUpstreamError, UpstreamError } from '../../../ports/errors';
import { formatDate } from '../../manifest/dates';
import { Scope, toContact, toContactKey } from '../mapper';
import { initialState, PageState, stateKey } from '../paginators';
import { RestAccount } from '../rest-account';
import { RestClient } from '../rest-client';
import { checkedResume, positionCompare, REPEATED_PAGE } from '../resume';
import { ContactsStream } from './contacts-incremental';

/**
 * Date-range slices (`contacts.incremental.slice`), for an upstream that filters by update time
 * but does not sort by it (Freshdesk): each slice (its bounds in `{{ since }}` / `{{ until }}`
 * or `param` / `until_param`) is read whole, bounded in size, and its records sorted by (update
 * time, id), so the bridge gets the order an incremental sync needs. A slice holding more than
 * its bound that cannot be cut further (one `step_seconds` wide) is a coded error
 * (`upstream_slice_too_large`), never a silent cut.
 *
 * Slices are cut by the list's total (`total_records_path`), not by a fixed width: the first
 * range tried is the whole rest of the run's window (an incremental sync's few changes are one
 * slice); a range holding too many is halved, and the total of its first half tells the second
 * half's without asking (an empty one costs nothing). A slice read whole but handed out partly
 * is kept for the next batch (page-carry.ts) rather than read again, and a batch out of time
 * answers what it has sorted, keeping the pages of a slice it could not finish (as does an
 * attempt that failed halfway, for the attempt after it). A batch stopped by the pacing or a
 * rate limit (a window it cannot wait for within its budget, a 429) answers the slices it has
 * read whole too; only one that has nothing to answer fails, to be tried again.
 */

/** What is left of the run's window from `lo`: ranges up to `e`, with their totals when known. */
interface Segment {
  e: number;
  /** The upstream's total for the range, when known. */
  n: number | null;
  /** The total of this range and the one before it together: the before's tells this one's. */
  r?: number;
}

/** Paging state in next_offset: where the window's rest starts, and its ranges. */
interface SliceResume {
  lo: number;
  g: ([number, number | null] | [number, number | null, number])[];
  /** Pages of the first range read and kept, when a batch ran out of time within it. */
  p?: number;
  /** Records per step of the last slice read whole (densityOf): how wide the next is cut. */
  d?: number;
}

/**
 * Share of `max_records` a slice cut by density aims at: a little below the bound, so that
 * the day-to-day variation of an account's changes rarely makes it exceed (a wasted request).
 */
const DENSITY_TARGET = 0.85;

/** The most ranges a paging state lists (each halving adds one). */
const MAX_SEGMENTS = 64;

const count = (v: unknown): v is number => Number.isSafeInteger(v) && (v as number) >= 0;

function readResume(
  query: ContactQuery,
  end: number,
): { lo: number; segments: Segment[]; density?: number } | undefined {
  const r = query.resume as Partial<SliceResume> & { step?: unknown };
  if (!r || typeof r !== 'object' || !Number.isSafeInteger(r.lo)) return undefined;
  const lo = r.lo!;
  // A state of the earlier format ({ lo, step }): the rest of the window from its slice on.
  if (r.g === undefined)
    return Number.isSafeInteger(r.step) ? { lo, segments: [{ e: end, n: null }] } : undefined;
  if (!Array.isArray(r.g) || r.g.length === 0 || r.g.length > MAX_SEGMENTS) return undefined;
  const segments: Segment[] = [];
  let previous = lo;
  for (const item of r.g as unknown[]) {
    if (!Array.isArray(item) || item.length < 2 || item.length > 3) return undefined;
    const [e, n, sum] = item as unknown[];
    if (!Number.isSafeInteger(e) || (e as number) <= previous) return undefined;
    if (!(n === null || count(n)) || !(sum === undefined || count(sum))) return undefined;
    segments.push({
      e: e as number,
      n: n as number | null,
      ...(sum !== undefined && { r: sum as number }),
    });
    previous = e as number;
  }
  if (previous !== end) return undefined;
  const d = r.d;
  const density = typeof d === 'number' && Number.isFinite(d) && d > 0 ? d : undefined;
  return { lo, segments, ...(density !== undefined && { density }) };
}

const toWire = (segments: Segment[]): SliceResume['g'] =>
  segments.map((s) => (s.r === undefined ? [s.e, s.n] : [s.e, s.n, s.r]));

export class SliceTooLargeError extends UpstreamError {
  constructor(message: string) {
    super(message, false, 'upstream_slice_too_large');
  }
}

type Keyed = { key: { id: string; updatedAt: number }; raw: unknown };

/** What the batch has spent so far: pages asked of the upstream, and the slowest of them. */
interface Spent {
  pages: number;
  slowest: number;
}

/**
 * `settled` receives the carry ids of the slices handed out: released once the batch is
 * answered, so that an attempt made again finds them; `enrich` completes each slice's contacts
 * (contacts.enrich) before the slice counts as read.
 */
export async function listSlices(
  client: RestClient,
  account: RestAccount,
  contacts: ContactsStream,
  query: ContactQuery,
  signal: AbortSignal,
  settled: string[] = [],
  enrich: (records: ContactRecord[], pacingReserveMs?: number) => Promise<void> = () =>
    Promise.resolve(),
): Promise<ContactBatch> {
  const slice = contacts.incremental!.slice!;
  const step = slice.stepMs;
  // The window ends with the slice holding the run's upper bound.
  const end = Math.floor(query.changedUntil / step) * step + step;
  const resumed = readResume(query, end);
  const lower = Math.max(query.changedSince ?? slice.startMs, query.after?.updatedAt ?? -Infinity);
  let lo = resumed?.lo ?? Math.floor(lower / step) * step;
  const segments: Segment[] = resumed?.segments ?? (lo < end ? [{ e: end, n: null }] : []);
  const out: ContactRecord[] = [];
  let filtered = 0;
  const spent: Spent = { pages: 0, slowest: 0 };
  let density = resumed?.density;
  const done = (more: boolean, p?: number): ContactBatch =>
    more
      ? {
          records: out,
          hasMore: true,
          resume: checkedResume({
            lo,
            g: toWire(segments),
            ...(p !== undefined && { p }),
            ...(density !== undefined && { d: Math.round(density * 1000) / 1000 }),
          }),
          filtered,
        }
      : { records: out, hasMore: false, filtered };
  /** The first range halved: the total of its first half will tell the second's. */
  const split = (total: number | undefined) => {
    const seg = segments[0];
    if (seg.e - lo <= step) {
      throw new SliceTooLargeError(
        `More than ${slice.maxRecords} contacts changed between ${new Date(lo).toISOString()} and ${new Date(seg.e).toISOString()}: lower contacts.incremental.slice.step_seconds (or raise max_records if the API allows it)`,
      );
    }
    if (segments.length >= MAX_SEGMENTS) {
      throw new UpstreamError('Too many date-range slices pending: lower the run’s window');
    }
    const mid = lo + Math.max(step, Math.floor((seg.e - lo) / 2 / step) * step);
    segments.splice(
      0,
      1,
      { e: mid, n: null },
      { e: seg.e, n: null, ...(total !== undefined && { r: total }) },
    );
  };
  let stop: { more: boolean; p?: number };
  try {
    stop = await readSlices();
  } catch (error) {
    // Stopped by the pacing or a rate limit: what is sorted so far is answered, the slice being
    // read resumes from its kept pages.
    if (!(error instanceof RetryableUpstreamError) || out.length === 0) throw error;
    stop = { more: true };
  }
  return done(stop.more, stop.p);

  /** Reads slices until the batch is full or out of time: whether more follow. */
  async function readSlices(): Promise<{ more: boolean; p?: number }> {
    while (segments.length > 0) {
      const seg = segments[0];
      if (seg.n === 0) {
        lo = seg.e;
        segments.shift();
        continue;
      }
      // Once slices were read, the next is cut to what their density says fits, rather than
      // asked whole and halved: a range of unknown total, or one known to be too large.
      if (density !== undefined && (seg.n === null || seg.n > slice.maxRecords)) {
        const steps = Math.floor((slice.maxRecords * DENSITY_TARGET) / density);
        const cut = lo + Math.max(1, steps) * step;
        if (cut < seg.e) {
          // A range whose total the next one's `r` waits for: the pair's total is known.
          const next = segments[1];
          const pair = seg.n === null && next?.r !== undefined;
          const total = pair ? next.r : (seg.n ?? undefined);
          segments.splice(
            0,
            pair ? 2 : 1,
            { e: cut, n: null },
            { e: pair ? next.e : seg.e, n: null, ...(total !== undefined && { r: total }) },
          );
          continue;
        }
      }
      // A range whose total is known to be too large is halved without asking again.
      if (seg.n !== null && seg.n > slice.maxRecords) {
        split(seg.n);
        continue;
      }
      if (seg.e - lo > slice.maxStepMs) {
        const widest = Math.max(step, Math.floor(slice.maxStepMs / step) * step);
        segments.splice(0, 1, { e: lo + widest, n: null }, { e: seg.e, n: null });
        continue;
      }
      // Out of time for another slice: answer what is sorted so far (every batch reads something).
      if (spent.pages > 0 && !client.timeForAnotherPage(signal, spent.slowest)) break;
      const read = await readSlice(
        client,
        account,
        contacts,
        lo,
        seg.e,
        query,
        signal,
        spent,
        () => (out.length > 0 ? client.pageReserveMs(spent.slowest) : undefined),
      );
      filtered += read.filtered;
      // The first total of a range tells its sibling's (the other half of the range it came from).
      if (read.total !== undefined) seg.n = read.total;
      const sibling = segments[1];
      if (sibling?.r !== undefined) {
        if (read.total !== undefined) sibling.n = Math.max(0, sibling.r - read.total);
        delete sibling.r;
      }
      // Its pages stay kept (readSlice): the next batch goes on from where this one stopped.
      if (read.kind === 'late') return { more: true, p: read.pages };
      if (read.kind === 'large') {
        split(read.total);
        continue;
      }
      density = densityOf(read.records, step, density);
      const fresh = read.records.filter(
        (r) => !query.after || positionCompare(r.key, query.after) > 0,
      );
      const room = query.limit - out.length;
      const taken = await toContacts(client, account, contacts, fresh.slice(0, room));
      // Enriched slice by slice: a lookup the pacing refuses leaves this slice to the next batch.
      await enrich(taken, out.length > 0 ? client.pageReserveMs(spent.slowest) : undefined);
      out.push(...taken);
      // The rest of this slice waits for the next batch, its pages kept rather than read again.
      if (fresh.length > room) return { more: true };
      settled.push(read.carryId);
      lo = seg.e;
      segments.shift();
      if (out.length >= query.limit || spent.pages >= client.manifest.maxPagesPerCall) break;
    }
    while (segments[0]?.n === 0) lo = segments.shift()!.e;
    return { more: segments.length > 0 };
  }
}

type SliceRead = { filtered: number; total?: number; carryId: string } & (
  { kind: 'whole'; records: Keyed[] } | { kind: 'large' } | { kind: 'late'; pages: number }
);

/**
 * One slice [lo, hi), read whole: its records within the slice and the run, sorted; or `large`
 * (more than its bound, told by the total at once) or `late` (out of time before its end).
 * Every page read is kept under an id of the run and the slice: the batch after this one, or
 * an attempt made again after a failure (a 429 halfway), reads it from there.
 */
async function readSlice(
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
    // The list's total tells at once; else more than the bound read, or a next page past it.
    if (
      (total ?? 0) > slice.maxRecords ||
      read > slice.maxRecords ||
      (read >= slice.maxRecords && page.next)
    ) {
      await client.carry.release(account, carryId);
      return {
        kind: 'large',
        filtered: 0,
        carryId,
        ...(bounded && total !== undefined && { total }),
      };
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
      if (value.updatedAt < lo || value.updatedAt >= hi) bounded = false;
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
  return {
    kind: 'whole',
    records: sorted,
    filtered,
    carryId,
    ...(bounded && { total: total ?? read }),
  };
}

/**
 * Records per step of a slice read whole, over the steps its records span (not the range's,
 * which may hold an empty stretch). An empty slice halves the last density instead: through a
 * gap in an account's changes the cuts widen each time, rather than step through it.
 */
function densityOf(records: Keyed[], step: number, last: number | undefined): number | undefined {
  if (records.length === 0) return last === undefined ? undefined : last / 2;
  const first = Math.floor(records[0].key.updatedAt / step);
  const end = Math.floor(records[records.length - 1].key.updatedAt / step) + 1;
  return records.length / (end - first);
}

/** The contacts of sorted records, their update times at the format's precision. */
async function toContacts(
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
