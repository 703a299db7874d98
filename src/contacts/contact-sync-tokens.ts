import { TOKEN_KINDS } from '../talkdesk/contract/tokens';
import { ContactPosition, ResumeState } from '../connectors/ports';
import { decodeToken, encodeToken, TokenScope } from '../talkdesk/token-codec';

/** The run's fixed bounds, handed back by Talkdesk as `context` on every next page. */
export interface SyncRun {
  /** Contacts changed after this instant (epoch ms) wait for the next sync. */
  until: number;
  /** Incremental syncs with a look-back window start at this instant (inclusive). */
  since?: number;
  /** The checkpoint the run started from (incremental syncs). */
  checkpoint?: ContactPosition;
}

type Position = { u: number; i: string };

const isFiniteNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const isPosition = (v: unknown): v is Position =>
  typeof v === 'object' &&
  v !== null &&
  isFiniteNumber((v as Position).u) &&
  typeof (v as Position).i === 'string' &&
  (v as Position).i.length > 0;

const toWire = (p: ContactPosition): Position => ({ u: p.updatedAt, i: p.id });
const fromWire = (p: Position): ContactPosition => ({ updatedAt: p.u, id: p.i });

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
}

export function encodeOffsetState(scope: TokenScope, state: OffsetState): string {
  return encodeToken(scope, TOKEN_KINDS.contactsOffset, {
    ...(state.after && { after: toWire(state.after) }),
    ...(state.resume !== undefined && { r: state.resume }),
  });
}

/** An offset of either shape (with or without the adapter's paging state), or null. */
export function decodeOffsetState(scope: TokenScope, token: unknown): OffsetState | null {
  const payload = decodeToken<{ after?: Position; r?: ResumeState }>(
    scope,
    TOKEN_KINDS.contactsOffset,
    token,
    (v) =>
      (v.after === undefined || isPosition(v.after)) &&
      (v.after !== undefined || Object.hasOwn(v, 'r')),
  );
  if (!payload) return null;
  return {
    ...(payload.after && { after: fromWire(payload.after) }),
    ...(Object.hasOwn(payload, 'r') && { resume: payload.r }),
  };
}

export function encodeCheckpoint(scope: TokenScope, position: ContactPosition): string {
  return encodeToken(scope, TOKEN_KINDS.contactsCheckpoint, { at: toWire(position) });
}

export function decodeCheckpoint(scope: TokenScope, token: unknown): ContactPosition | null {
  const payload = decodeToken<{ at: Position }>(scope, TOKEN_KINDS.contactsCheckpoint, token, (v) =>
    isPosition(v.at),
  );
  return payload ? fromWire(payload.at) : null;
}

export function encodeContext(scope: TokenScope, run: SyncRun): string {
  return encodeToken(scope, TOKEN_KINDS.contactsContext, {
    until: run.until,
    ...(run.since !== undefined && { since: run.since }),
    ...(run.checkpoint && { checkpoint: toWire(run.checkpoint) }),
  });
}

export function decodeContext(scope: TokenScope, token: unknown): SyncRun | null {
  const payload = decodeToken<{ until: number; since?: number; checkpoint?: Position }>(
    scope,
    TOKEN_KINDS.contactsContext,
    token,
    (v) =>
      isFiniteNumber(v.until) &&
      (v.since === undefined || isFiniteNumber(v.since)) &&
      (v.checkpoint === undefined || isPosition(v.checkpoint)),
  );
  if (!payload) return null;
  return {
    until: payload.until,
    ...(payload.since !== undefined && { since: payload.since }),
    ...(payload.checkpoint && { checkpoint: fromWire(payload.checkpoint) }),
  };
}
