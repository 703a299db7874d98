import { compareContactPositions, ContactPosition } from '../connectors/ports';
import { UpstreamOrderError } from '../connectors/ports/errors';

const instant = (ms: number) =>
  Number.isFinite(ms) && Math.abs(ms) <= 8.64e15 ? new Date(ms).toISOString() : String(ms);

/** A position as people read it: `(2026-01-10T12:00:00.000Z, id "42")`. */
export const describePosition = (p: ContactPosition) =>
  `(${instant(p.updatedAt)}, id ${JSON.stringify(p.id)})`;

/** Two positions out of order: `record` was listed after `previous` but does not follow it. */
export interface OrderViolation {
  previous: ContactPosition;
  record: ContactPosition;
}

/**
 * The first record of a batch that does not come strictly after the one before it (the first
 * record: after `after`, the position the batch was asked to start after), in the ports'
 * (updatedAt, id) order; undefined when the batch is in order. An update time that is not a
 * finite number is out of order too: nothing can be placed after it.
 */
export function findOrderViolation(
  records: readonly ContactPosition[],
  after: ContactPosition | undefined,
): OrderViolation | undefined {
  let previous = after;
  for (const listed of records) {
    // Ids are strings by the port's contract; an adapter's number is read as one (a record
    // whose id is a string already is compared as it is, without a copy).
    const record =
      typeof listed.id === 'string'
        ? listed
        : { updatedAt: listed.updatedAt, id: String(listed.id) };
    if (typeof record.updatedAt !== 'number' || !Number.isFinite(record.updatedAt)) {
      return { previous: previous ?? record, record };
    }
    if (previous && compareContactPositions(previous, record) >= 0) {
      return { previous, record };
    }
    previous = record;
  }
  return undefined;
}

/**
 * Throws `upstream_order_violated` for a batch out of order: going on would issue a position
 * past contacts that were never sent. The message names the connector and both positions.
 */
export function checkContactOrder(
  connector: string,
  records: readonly ContactPosition[],
  after: ContactPosition | undefined,
): void {
  const violation = findOrderViolation(records, after);
  if (!violation) return;
  const { previous, record } = violation;
  throw new UpstreamOrderError(
    `The connector ${connector} listed the contact at ${describePosition(record)} after the one at ${describePosition(previous)}: contacts must come in ascending (update time, id) order, so the synchronization stopped before it could skip any`,
  );
}
