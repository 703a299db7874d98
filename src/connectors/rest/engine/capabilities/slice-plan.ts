import { ContactQuery } from '../../../ports';

/**
 * Where the date-range slices of contacts-slices.ts are cut, and how their plan travels in
 * next_offset. Every range is cut on a step (a day for `date`); a range's count is what the
 * upstream's total said, or what the total of a pair of ranges less the other one's says.
 */

/** What is left of the run's window from `lo`: ranges up to `e`, with their totals when known. */
export interface Segment {
  e: number;
  /** The upstream's total for the range, when known. */
  n: number | null;
  /** The total of this range and the one before it together: either one's tells the other's. */
  r?: number;
}

/** Paging state in next_offset: where the window's rest starts, and its ranges. */
export interface SliceResume {
  lo: number;
  g: ([number, number | null] | [number, number | null, number])[];
  /** Pages kept of the range being read (the first, or the one read ahead), when a batch ran out of time within it. */
  p?: number;
  /** Records per step of the last slice read whole from `lo` (densityOf): how wide the next is cut. */
  d?: number;
  /** Index of the range read next, ahead of the first: a range read from the window's end. */
  a?: number;
  /** Records per step just after the first range (a range read ahead, or counted). */
  q?: number;
}

export interface SlicePlan {
  lo: number;
  segments: Segment[];
  density?: number;
  ahead?: number;
  tail?: number;
}

/**
 * Share of `max_records` a slice cut by density aims at: a little below the bound, so that
 * the day-to-day variation of an account's changes rarely makes it exceed (a wasted request).
 */
export const DENSITY_TARGET = 0.85;

/**
 * A range known to hold at most this many slices is read slice by slice from its end, each cut
 * by the density of the one after it, until what is left before them fits one slice: every
 * request reads a slice, none only finds where the changes are. Its pages are kept until the run
 * reaches them (page-carry.ts, two minutes), and the batch cannot answer any before the walk ends:
 * four slices are about 40 requests, 15 s at Freshdesk's Growth pacing.
 */
export const WALK_SLICES = 4;

/** Share of `max_records` a range cut to where the density says the changes begin aims at. */
const JUMP_TARGET = 0.5;

/** The most ranges a paging state lists (each cut adds one). */
export const MAX_SEGMENTS = 64;

const count = (v: unknown): v is number => Number.isSafeInteger(v) && (v as number) >= 0;
const positive = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v) && v > 0;

export function readResume(query: ContactQuery, end: number): SlicePlan | undefined {
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
  const a = r.a;
  const ahead =
    Number.isSafeInteger(a) && (a as number) > 0 && (a as number) < segments.length
      ? (a as number)
      : undefined;
  return {
    lo,
    segments,
    ...(positive(r.d) && { density: r.d }),
    ...(ahead !== undefined && { ahead }),
    ...(positive(r.q) && { tail: r.q }),
  };
}

export const toWire = (segments: Segment[]): SliceResume['g'] =>
  segments.map((s) => (s.r === undefined ? [s.e, s.n] : [s.e, s.n, s.r]));

/** A cut of the first range [lo, e): at `at`, and whether the range after the cut is read first. */
export interface Cut {
  at: number;
  ahead: boolean;
}

/**
 * The first cut of a window too large for one slice, from the update times of its first page
 * (in the order the upstream gave them). Freshdesk documents no order for its search: a page
 * whose times fall one after the other is taken for the newest changes (the slice at the
 * window's end is read first, and the rest from there), any other for a sample of the whole (the
 * slice before the first sampled days). Either way the cut is where the sample says about
 * `DENSITY_TARGET` of a slice lies, at least one sampled record: a wrong guess costs one
 * request, as a halving would.
 */
export function firstCut(
  sample: number[],
  total: number,
  lo: number,
  end: number,
  step: number,
  max: number,
): Cut | undefined {
  const m = sample.length;
  if (m === 0 || total <= 0) return undefined;
  let falling = 0;
  let rising = 0;
  for (let i = 1; i < m; i++) {
    if (sample[i] < sample[i - 1]) falling++;
    else if (sample[i] > sample[i - 1]) rising++;
  }
  const k = Math.min(m, Math.max(1, Math.floor((m * max * DENSITY_TARGET) / total)));
  const sorted = [...sample].sort((a, b) => a - b);
  const newest = falling > 0 && falling >= 3 * rising;
  const at = newest
    ? Math.floor(sorted[m - k] / step) * step
    : Math.floor(sorted[k - 1] / step) * step + step;
  return at > lo && at < end ? { at, ahead: newest } : undefined;
}

/**
 * How a first range [lo, e) known to hold `n` > `max` is approached, knowing the density just
 * after it (`tail`, records per step): read from its end slice by slice when it holds few
 * slices, else cut where that density says its changes begin (at half a slice's worth). None
 * when the cut would not fall inside: the range is then halved.
 */
export function approach(
  lo: number,
  e: number,
  n: number,
  tail: number,
  step: number,
  max: number,
): Cut | undefined {
  if (e - lo <= step) return undefined;
  if (n <= WALK_SLICES * max) {
    const steps = Math.max(1, Math.floor((max * DENSITY_TARGET) / tail));
    return { at: Math.max(lo + step, e - steps * step), ahead: true };
  }
  const at = e - Math.ceil((n - max * JUMP_TARGET) / tail) * step;
  return at > lo ? { at, ahead: false } : undefined;
}

/** Sorted records' update times, the part of densityOf that needs them. */
type Timed = { key: { updatedAt: number } };

/**
 * Records per step of a slice read whole, over the steps its records span (not the range's,
 * which may hold an empty stretch). An empty slice halves the last density instead: through a
 * gap in an account's changes the cuts widen each time, rather than step through it.
 */
export function densityOf(records: Timed[], step: number, last: number | undefined) {
  if (records.length === 0) return last === undefined ? undefined : last / 2;
  const first = Math.floor(records[0].key.updatedAt / step);
  const end = Math.floor(records[records.length - 1].key.updatedAt / step) + 1;
  return records.length / (end - first);
}
