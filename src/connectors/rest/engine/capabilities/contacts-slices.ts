import { ContactBatch, ContactQuery, ContactRecord } from '../../../ports';
import { RetryableUpstreamError, UpstreamError } from '../../../ports/errors';
import { RestAccount } from '../rest-account';
import { RestClient } from '../rest-client';
import { checkedResume, positionCompare } from '../resume';
import { ContactsStream } from './contacts-incremental';
import { readSlice, Spent, toContacts } from './slice-read';
import {
  approach,
  densityOf,
  firstCut,
  MAX_SEGMENTS,
  DENSITY_TARGET,
  readResume,
  Segment,
  toWire,
} from './slice-plan';

/**
 * Date-range slices (`contacts.incremental.slice`), for an upstream that filters by update time
 * but does not sort by it (Freshdesk): each slice (its bounds in `{{ since }}` / `{{ until }}`
 * or `param` / `until_param`) is read whole (slice-read.ts), bounded in size, and its records
 * sorted by (update time, id), so the bridge gets the order an incremental sync needs. A slice
 * holding more than its bound that cannot be cut further (one `step_seconds` wide) is a coded
 * error (`upstream_slice_too_large`), never a silent cut.
 *
 * Slices are cut by the list's total (`total_records_path`), not by a fixed width: the first
 * range tried is the whole rest of the run's window (an incremental sync's few changes are one
 * slice). A window too large is cut where the update times of its first page say a slice lies
 * (slice-plan.ts): when they are the newest changes, the slice at the window's end is read
 * first and kept, and the rest is read from there back, slice by slice, while it holds few
 * slices, else cut where the density says its changes begin; the total of a range tells the
 * rest's without asking (an empty one costs nothing), and a range no estimate fits is halved.
 * From the first slice read at the run's position on, each is cut by the density of the one
 * before, and the ranges read ahead are handed out from their kept pages. A slice read whole but handed out partly
 * is kept for the next batch (page-carry.ts) rather than read again, and a batch out of time
 * answers what it has sorted, keeping the pages of a slice it could not finish (as does an
 * attempt that failed halfway, for the attempt after it). A batch stopped by the pacing or a
 * rate limit (a window it cannot wait for within its budget, a 429) answers the slices it has
 * read whole too; only one that has nothing to answer fails, to be tried again.
 */

export class SliceTooLargeError extends UpstreamError {
  constructor(message: string) {
    super(message, false, 'upstream_slice_too_large');
  }
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
  const max = slice.maxRecords;
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
  let ahead = resumed?.ahead ?? 0;
  let tail = resumed?.tail;
  const rounded = (v: number) => Math.round(v * 1000) / 1000;
  const done = (more: boolean, p?: number): ContactBatch =>
    more
      ? {
          records: out,
          hasMore: true,
          resume: checkedResume({
            lo,
            g: toWire(segments),
            ...(p !== undefined && { p }),
            ...(density !== undefined && { d: rounded(density) }),
            ...(ahead > 0 && { a: ahead }),
            ...(tail !== undefined && { q: rounded(tail) }),
          }),
          filtered,
        }
      : { records: out, hasMore: false, filtered };
  const startOf = (i: number) => (i === 0 ? lo : segments[i - 1].e);
  const reserve = () => (out.length > 0 ? client.pageReserveMs(spent.slowest) : undefined);
  /** Range `i` cut at `at`; `total` (the range's) tells either part's from the other's. */
  const cutAt = (i: number, at: number, total: number | undefined) => {
    if (segments.length >= MAX_SEGMENTS) {
      throw new UpstreamError('Too many date-range slices pending: lower the run’s window');
    }
    segments.splice(
      i,
      1,
      { e: at, n: null },
      { e: segments[i].e, n: null, ...(total !== undefined && { r: total }) },
    );
  };
  /** Range `i` halved. */
  const split = (i: number, total: number | undefined) => {
    const from = startOf(i);
    const seg = segments[i];
    if (seg.e - from <= step) {
      throw new SliceTooLargeError(
        `More than ${max} contacts changed between ${new Date(from).toISOString()} and ${new Date(seg.e).toISOString()}: lower contacts.incremental.slice.step_seconds (or raise max_records if the API allows it)`,
      );
    }
    cutAt(i, from + Math.max(step, Math.floor((seg.e - from) / 2 / step) * step), total);
  };
  /** Range `i`'s total, and what it tells of its neighbours' through their pair's total. */
  const settle = (i: number, total: number | undefined) => {
    const seg = segments[i];
    if (total !== undefined) seg.n = total;
    const next = segments[i + 1];
    if (next?.r !== undefined) {
      if (total !== undefined && next.n === null) next.n = Math.max(0, next.r - total);
      delete next.r;
    }
    if (i > 0 && seg.r !== undefined) {
      // Told from a later range, read after the pair's total: changes made since (the run's
      // last day gains them) make it too small, so none is taken for an empty range, to skip.
      const prev = segments[i - 1];
      const rest = total === undefined ? 0 : seg.r - total;
      if (prev.n === null && rest > 0) prev.n = rest;
      delete seg.r;
    }
  };
  const shift = () => {
    const first = segments.shift()!;
    lo = first.e;
    const next = segments[0];
    if (next?.r !== undefined && first.n !== null) {
      if (next.n === null) next.n = Math.max(0, next.r - first.n);
      delete next.r;
    }
    ahead = Math.max(0, ahead - 1);
  };
  /** Whether this batch learned what the resume keeps: a range read ahead, a range's total. */
  let learned = false;
  let stop: { more: boolean; p?: number };
  try {
    stop = await readSlices();
  } catch (error) {
    // Stopped by the pacing or a rate limit: what is sorted so far is answered, the slice being
    // read resumes from its kept pages. A batch with nothing sorted answers empty when it read
    // ranges the resume now knows (kept ahead, counted): else it fails, to be tried again.
    if (!(error instanceof RetryableUpstreamError) || (out.length === 0 && !learned)) throw error;
    stop = { more: true };
  }
  return done(stop.more, stop.p);

  /** Reads slices until the batch is full or out of time: whether more follow. */
  async function readSlices(): Promise<{ more: boolean; p?: number }> {
    while (segments.length > 0) {
      if (ahead > 0) {
        if (ahead >= segments.length || segments[ahead].n !== null) {
          ahead = 0;
          continue;
        }
        // A range after the first, read ahead: kept until the run reaches it, not handed out.
        if (spent.pages > 0 && !client.timeForAnotherPage(signal, spent.slowest)) break;
        const seg = segments[ahead];
        const read = await readSlice(
          client,
          account,
          contacts,
          startOf(ahead),
          seg.e,
          query,
          signal,
          spent,
          reserve,
        );
        // Its pages stay kept: `p` says how many, and the next batch goes on from there.
        if (read.kind === 'late') return { more: true, p: read.pages };
        learned = true;
        settle(ahead, read.total);
        if (read.kind === 'large') {
          // Halved, its later half read next: the walk goes on from the window's end.
          split(ahead, read.total);
          ahead++;
          continue;
        }
        tail = densityOf(read.records, step, tail) ?? tail;
        ahead = 0;
        if (spent.pages >= client.manifest.maxPagesPerCall) break;
        continue;
      }
      const seg = segments[0];
      if (seg.n === 0) {
        shift();
        continue;
      }
      // Once slices were read, the next is cut to what their density says fits, rather than
      // asked whole and halved: a range of unknown total, or one known to be too large.
      if (density !== undefined && (seg.n === null || seg.n > max)) {
        const steps = Math.floor((max * DENSITY_TARGET) / density);
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
      // Before any slice was read from `lo`: a range known too large is approached from the
      // density after it (read from its end, or cut where its changes begin), else halved.
      if (density === undefined && seg.n !== null && seg.n > max && tail !== undefined) {
        const cut = approach(lo, seg.e, seg.n, tail, step, max);
        if (cut) {
          cutAt(0, cut.at, seg.n);
          if (cut.ahead) ahead = 1;
          continue;
        }
      }
      if (seg.n !== null && seg.n > max) {
        split(0, seg.n);
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
        reserve,
      );
      filtered += read.filtered;
      // The first total of a range tells its sibling's (the other half of the range it came from).
      const known = segments[1]?.n ?? null;
      settle(0, read.total);
      // Its pages stay kept (readSlice): the next batch goes on from where this one stopped.
      if (read.kind === 'late') return { more: true, p: read.pages };
      if (read.kind === 'large') {
        learned = true;
        if (read.total === undefined || density !== undefined) {
          split(0, read.total);
          continue;
        }
        // What the total says of the range after this one: the density the next cut goes by.
        const next = segments[1];
        if (known === null && next?.n) tail = next.n / ((next.e - seg.e) / step);
        if (tail === undefined) {
          const cut = firstCut(read.sample, read.total, lo, seg.e, step, max);
          if (cut) {
            cutAt(0, cut.at, read.total);
            if (cut.ahead) ahead = 1;
          }
        }
        continue;
      }
      density = densityOf(read.records, step, density);
      const fresh = read.records.filter(
        (r) => !query.after || positionCompare(r.key, query.after) > 0,
      );
      const room = query.limit - out.length;
      const taken = await toContacts(client, account, contacts, fresh.slice(0, room));
      // Enriched slice by slice: a lookup the pacing refuses leaves this slice to the next batch.
      await enrich(taken, reserve());
      out.push(...taken);
      // The rest of this slice waits for the next batch, its pages kept rather than read again.
      if (fresh.length > room) return { more: true };
      settled.push(read.carryId);
      shift();
      if (out.length >= query.limit || spent.pages >= client.manifest.maxPagesPerCall) break;
    }
    while (segments[0]?.n === 0) shift();
    return { more: segments.length > 0 };
  }
}
