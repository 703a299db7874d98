import { TOKEN_KINDS } from '../talkdesk/contract/tokens';
import { ContactPosition, ResumeState } from '../connectors/ports';
import { decodeToken, encodeToken, TokenScope } from '../talkdesk/token-codec';

/**
 * What a `synchronization_checkpoint` says: every contact up to this position was sent, and
 * every change up to `readTo` was read (a write committed late within the look-back excepted).
 * An empty `id` stands before every contact of its instant: the checkpoint of a full sync read
 * in the external system's own order claims only the instant its run read up to.
 */
export interface SyncCheckpoint extends ContactPosition {
  /**
   * The upper bound (epoch ms) of the run that issued it: the next sync's look-back is taken
   * from here. Checkpoints issued before it was carried read as their position's update time.
   */
  readTo: number;
}

/** The run's fixed bounds, handed back by Talkdesk as `context` on every next page. */
export interface SyncRun {
  /** Contacts changed after this instant (epoch ms) wait for the next sync. */
  until: number;
  /** Incremental syncs with a look-back window start at this instant (inclusive). */
  since?: number;
  /** The checkpoint the run started from (incremental syncs). */
  checkpoint?: SyncCheckpoint;
  /**
   * Set when a page lost the run's context, so that `until` is later than the instant the run
   * started reading at: its checkpoints claim no more than this instant as read.
   */
  readTo?: number;
}

type Position = { u: number; i: string };
/** A checkpoint on the wire: its position and, since it is carried, the instant read up to. */
type CheckpointWire = Position & { r?: number };

const isFiniteNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const isPosition = (v: unknown): v is Position =>
  typeof v === 'object' &&
  v !== null &&
  isFiniteNumber((v as Position).u) &&
  typeof (v as Position).i === 'string' &&
  (v as Position).i.length > 0;

/** A checkpoint's position: its id may be empty (before every contact of its instant). */
const isCheckpointPosition = (v: unknown): v is Position =>
  typeof v === 'object' &&
  v !== null &&
  isFiniteNumber((v as Position).u) &&
  typeof (v as Position).i === 'string';

const toWire = (p: ContactPosition): Position => ({ u: p.updatedAt, i: p.id });
const fromWire = (p: Position): ContactPosition => ({ updatedAt: p.u, id: p.i });
const isCheckpointWire = (v: unknown): v is CheckpointWire =>
  isCheckpointPosition(v) &&
  ((v as CheckpointWire).r === undefined || isFiniteNumber((v as CheckpointWire).r));
const checkpointToWire = (c: SyncCheckpoint): CheckpointWire => ({ ...toWire(c), r: c.readTo });
const checkpointFromWire = (c: CheckpointWire): SyncCheckpoint => ({
  ...fromWire(c),
  readTo: c.r ?? c.u,
});

export function encodeOffset(scope: TokenScope, after: ContactPosition): string {
  return encodeToken(scope, TOKEN_KINDS.contactsOffset, { after: toWire(after) });
}

export function decodeOffset(scope: TokenScope, token: unknown): ContactPosition | null {
  const payload = decodeToken<{ after: Position }>(scope, TOKEN_KINDS.contactsOffset, token, (v) =>
    isPosition(v.after),
  );
  return payload ? fromWire(payload.after) : null;
}

/** Where the next page of a run starts: after a contact, and/or at the adapter's own paging state. */
export interface OffsetState {
  after?: ContactPosition;
  /** ContactBatch.resume of the adapter, carried unread. */
  resume?: ResumeState;
  /** A full sync in the external system's own order (ContactQuery.unordered): no position. */
  unordered?: boolean;
}

export function encodeOffsetState(scope: TokenScope, state: OffsetState): string {
  return encodeToken(scope, TOKEN_KINDS.contactsOffset, {
    ...(state.after && { after: toWire(state.after) }),
    ...(state.resume !== undefined && { r: state.resume }),
    ...(state.unordered && { u: 1 }),
  });
}

/** An offset of either shape (with or without the adapter's paging state), or null. */
export function decodeOffsetState(scope: TokenScope, token: unknown): OffsetState | null {
  const payload = decodeToken<{ after?: Position; r?: ResumeState; u?: 1 }>(
    scope,
    TOKEN_KINDS.contactsOffset,
    token,
    (v) =>
      (v.after === undefined || isPosition(v.after)) &&
      (v.after !== undefined || Object.hasOwn(v, 'r')) &&
      // An unordered run pages by the adapter's state alone.
      (v.u === undefined || (v.u === 1 && v.after === undefined && Object.hasOwn(v, 'r'))),
  );
  if (!payload) return null;
  return {
    ...(payload.after && { after: fromWire(payload.after) }),
    ...(Object.hasOwn(payload, 'r') && { resume: payload.r }),
    ...(payload.u === 1 && { unordered: true }),
  };
}

/** A checkpoint token; without `readTo`, one as bridges issued before it was carried. */
export function encodeCheckpoint(
  scope: TokenScope,
  checkpoint: ContactPosition & { readTo?: number },
): string {
  return encodeToken(scope, TOKEN_KINDS.contactsCheckpoint, {
    at: toWire(checkpoint),
    ...(checkpoint.readTo !== undefined && { r: checkpoint.readTo }),
  });
}

/**
 * The checkpoint, or null. One without `r` (issued before the read instant was carried) reads
 * with its position's update time as `readTo`: the look-back it had then.
 */
export function decodeCheckpoint(scope: TokenScope, token: unknown): SyncCheckpoint | null {
  const payload = decodeToken<{ at: Position; r?: number }>(
    scope,
    TOKEN_KINDS.contactsCheckpoint,
    token,
    (v) => isCheckpointPosition(v.at) && (v.r === undefined || isFiniteNumber(v.r)),
  );
  return payload ? checkpointFromWire({ ...payload.at, r: payload.r }) : null;
}

export function encodeContext(scope: TokenScope, run: SyncRun): string {
  return encodeToken(scope, TOKEN_KINDS.contactsContext, {
    until: run.until,
    ...(run.since !== undefined && { since: run.since }),
    ...(run.checkpoint && { checkpoint: checkpointToWire(run.checkpoint) }),
    ...(run.readTo !== undefined && { rt: run.readTo }),
  });
}

export function decodeContext(scope: TokenScope, token: unknown): SyncRun | null {
  const payload = decodeToken<{
    until: number;
    since?: number;
    checkpoint?: CheckpointWire;
    rt?: number;
  }>(
    scope,
    TOKEN_KINDS.contactsContext,
    token,
    (v) =>
      isFiniteNumber(v.until) &&
      (v.since === undefined || isFiniteNumber(v.since)) &&
      (v.rt === undefined || isFiniteNumber(v.rt)) &&
      (v.checkpoint === undefined || isCheckpointWire(v.checkpoint)),
  );
  if (!payload) return null;
  return {
    until: payload.until,
    ...(payload.since !== undefined && { since: payload.since }),
    ...(payload.checkpoint && { checkpoint: checkpointFromWire(payload.checkpoint) }),
    ...(payload.rt !== undefined && { readTo: payload.rt }),
  };
}

/**
 * The tokens of a page of a full sync in the external system's own order: next_offset carries
 * the adapter's paging state alone, and no checkpoint is issued until the run ends, since no
 * position short of the end is covered. The last page's checkpoint claims only the instant the
 * run started reading at (its upper bound, or less when its context was lost): every contact
 * changed up to it was listed, whatever its place in the listing; the next sync reads from there
 * (and its look-back before it).
 */
export function unorderedRunTokens(
  scope: TokenScope,
  run: SyncRun,
  hasMore: boolean,
  resume: ResumeState | undefined,
): { next_offset?: string; synchronization_checkpoint?: string } {
  if (hasMore) return { next_offset: encodeOffsetState(scope, { resume, unordered: true }) };
  const readTo = Math.min(run.until, run.readTo ?? Infinity);
  return {
    synchronization_checkpoint: encodeCheckpoint(scope, { updatedAt: readTo, id: '', readTo }),
  };
}
