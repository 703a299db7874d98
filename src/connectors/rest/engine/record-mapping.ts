import type { Logger } from '@nestjs/common';
import { UpstreamError } from '../../ports/errors';
import { ExpressionError, ExpressionTimeoutError } from '../manifest/expression';
import { Mapped } from './mapper';

/** What the connector's observer (ConnectorObserver, rest-client.ts) is told of each page. */
export interface PageObserver {
  page?(event: {
    label: string;
    records: unknown[];
    mapped: unknown[];
    dropped: { index: number; reason: string }[];
  }): void;
}

/**
 * Maps records from index `from` on; a record that cannot be mapped is dropped (logged, and
 * told to the observer) rather than failing the batch.
 */
export async function mapRecords<T>(
  label: string,
  records: unknown[],
  from: number,
  map: (record: unknown) => Mapped<T> | Promise<Mapped<T>>,
  observe: boolean,
  observer: PageObserver | undefined,
  logger: Pick<Logger, 'warn'>,
): Promise<{ index: number; value?: T }[]> {
  const out: { index: number; value?: T }[] = [];
  const dropped: { index: number; reason: string }[] = [];
  for (let i = from; i < records.length; i++) {
    let mapped: Mapped<T>;
    try {
      // Awaited only when it is a promise: most records map at once (one microtask less each).
      const result = map(records[i]);
      mapped = result instanceof Promise ? await result : result;
    } catch (error) {
      if (!(error instanceof ExpressionError)) throw error;
      // Out of time is not the record's fault: dropping it would lose the contact for good.
      if (error instanceof ExpressionTimeoutError) {
        throw new UpstreamError(`${label} record #${i}: ${error.message}`);
      }
      mapped = { problem: error.message };
    }
    if ('record' in mapped) out.push({ index: i, value: mapped.record });
    else {
      dropped.push({ index: i, reason: mapped.problem });
      out.push({ index: i });
    }
  }
  if (observe) {
    observer?.page?.({
      label,
      records: records.slice(from),
      mapped: out.filter((o) => o.value !== undefined).map((o) => o.value),
      dropped,
    });
  }
  logDropped(logger, label, dropped);
  return out;
}

function logDropped(
  logger: Pick<Logger, 'warn'>,
  label: string,
  dropped: { index: number; reason: string }[],
): void {
  if (dropped.length === 0) return;
  const shown = dropped.slice(0, 5).map((d) => `#${d.index}: ${d.reason}`);
  logger.warn(
    `Dropped ${dropped.length} ${label} record(s) that cannot be sent to Talkdesk (${shown.join('; ')}${dropped.length > 5 ? '; ...' : ''})`,
  );
}
