import { ContactRecord, ResumeState } from '../../ports';
import { UpstreamError } from '../../ports/errors';

/** Longest paging state handed to Talkdesk inside next_offset (as JSON). */
export const MAX_RESUME_CHARS = 2500;

/** How many recent ids a full sync's paging state remembers, and their total length. */
const RECENT_IDS = 100;
const RECENT_IDS_CHARS = 1200;

/** The last ids handed out, as many as fit the paging state. */
export function recentIds(ids: string[]): string[] {
  const out: string[] = [];
  let chars = 0;
  for (let i = ids.length - 1; i >= 0 && out.length < RECENT_IDS; i--) {
    chars += ids[i].length + 3;
    if (chars > RECENT_IDS_CHARS) break;
    out.unshift(ids[i]);
  }
  return out;
}

/** A paging state Talkdesk can carry; a longer one is the upstream's fault. */
export function checkedResume<T extends object>(resume: T): ResumeState {
  if (JSON.stringify(resume).length > MAX_RESUME_CHARS) {
    throw new UpstreamError(
      'The external system’s paging state (cursor or next-page URL) is too long to hand to Talkdesk',
    );
  }
  return resume as unknown as ResumeState;
}

/** Where the digits of `id` start after its leading zeros; -1 when it is not all ASCII digits. */
function significantStart(id: string): number {
  if (id.length === 0) return -1;
  let start = -1;
  for (let i = 0; i < id.length; i++) {
    const c = id.charCodeAt(i);
    if (c < 48 || c > 57) return -1;
    if (start < 0 && c !== 48) start = i;
  }
  return start < 0 ? id.length : start;
}

/**
 * Numbers compare as numbers, other ids as text: the order the port contract expects. Digit
 * strings of any length compare as their values would, without making them numbers: leading
 * zeros aside, the longer is the larger, and of the same length the order of the text is the
 * order of the values.
 */
export function compareIds(a: string, b: string): number {
  const x = significantStart(a);
  const y = significantStart(b);
  if (x >= 0 && y >= 0) {
    const lengths = a.length - x - (b.length - y);
    if (lengths !== 0) return lengths < 0 ? -1 : 1;
    for (let i = 0; i < a.length - x; i++) {
      const d = a.charCodeAt(x + i) - b.charCodeAt(y + i);
      if (d !== 0) return d < 0 ? -1 : 1;
    }
    return 0;
  }
  return a < b ? -1 : a > b ? 1 : 0;
}

/** (updatedAt, id) order. */
export const positionCompare = (
  a: Pick<ContactRecord, 'updatedAt' | 'id'>,
  b: { updatedAt: number; id: string },
) => (a.updatedAt !== b.updatedAt ? a.updatedAt - b.updatedAt : compareIds(a.id, b.id));

/** An instant as people read it (the number itself when no date can say it). */
const instantText = (ms: number) =>
  Math.abs(ms) <= 8.64e15 ? new Date(ms).toISOString() : String(ms);

export const positionText = (p: { updatedAt: number; id: string }) =>
  `(${instantText(p.updatedAt)}, id ${JSON.stringify(p.id)})`;

/** Paging stops rather than loops when the upstream hands back a page it gave already. */
export const REPEATED_PAGE =
  'The external system handed back a page it had already given (a repeated cursor or link): paging stopped';
