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

/** Numbers compare as numbers, other ids as text: the order the port contract expects. */
export function compareIds(a: string, b: string): number {
  if (/^\d+$/.test(a) && /^\d+$/.test(b)) {
    const x = BigInt(a);
    const y = BigInt(b);
    return x < y ? -1 : x > y ? 1 : 0;
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
