import { compareContactPositions, ContactPosition } from '../connectors/ports';
import { SyncCheckpoint, SyncRun } from './contact-sync-tokens';

// The checkpoint rule on its own (contacts.service.ts pages the run): it decides what a sync
// may skip next time, so it is kept apart from the paging, where it can be read whole.

export const positionOf = (p: ContactPosition): ContactPosition => ({
  updatedAt: p.updatedAt,
  id: p.id,
});

/**
 * The checkpoint after this page. Once the run has reached its starting checkpoint's position
 * (or had none): the last contact sent, read up to the run's upper bound, since everything up
 * to that position was read after the run started. Before that (a look-back window re-reading
 * contacts before the position), the incoming checkpoint stays until the run ends, when its
 * read instant moves to the run's bound. A run that lost its context claims no more than what
 * its earlier pages can have read.
 */
export function checkpointAfter(
  run: SyncRun,
  last: ContactPosition | undefined,
  complete: boolean,
): SyncCheckpoint | undefined {
  const readTo = Math.min(run.until, run.readTo ?? Infinity);
  const incoming = run.checkpoint;
  if (last && (!incoming || compareContactPositions(last, incoming) >= 0)) {
    return { ...positionOf(last), readTo: Math.max(readTo, incoming?.readTo ?? -Infinity) };
  }
  if (incoming && complete && readTo > incoming.readTo) return { ...incoming, readTo };
  return incoming;
}
