import { formatDate, granularityMs, parseDate } from '../../manifest-common';
import type { SqlDialect } from '../database';
import type { SqlTimeColumn } from '../manifest/sql-manifest.schema';

/**
 * An update-time or date column of the user's schema, whatever its type: how a value read from
 * it becomes epoch milliseconds, and how an instant becomes a value to compare it with.
 */
export interface TimeColumn {
  readonly column: string;
  /** What the column can tell apart (ms); every value read is a multiple of it. */
  readonly precisionMs: number;
  /** Epoch ms of a value read (truncated to the precision), or undefined when unreadable. */
  toMs(value: unknown): number | undefined;
  /** A bound parameter such that `column >= it` holds exactly for instants at or after `ms`. */
  atOrAfter(ms: number): unknown;
  /** A bound parameter such that `column <= it` holds exactly for instants at or before `ms`. */
  atOrBefore(ms: number): unknown;
}

const ceilTo = (ms: number, step: number) => Math.ceil(ms / step) * step;
const floorTo = (ms: number, step: number) => Math.floor(ms / step) * step;

/** `YYYY-MM-DD HH:mm:ss.SSS` in UTC: every server reads it as a timestamp, with or without zone. */
const sqlTimestamp = (ms: number) => new Date(ms).toISOString().replace('T', ' ').replace('Z', '');

export function timeColumn(spec: SqlTimeColumn, dialect: SqlDialect): TimeColumn {
  const natural =
    spec.type === 'epoch_seconds' ? 1000 : spec.type === 'text' ? granularityMs(spec.format!) : 1;
  const precisionMs = Math.max(spec.precision_ms ?? natural, natural);
  const truncate = (ms: number | undefined) =>
    ms === undefined || !Number.isFinite(ms) ? undefined : floorTo(ms, precisionMs);
  const column = spec.column;
  switch (spec.type) {
    case 'epoch_seconds':
    case 'epoch_ms': {
      const unit = spec.type === 'epoch_seconds' ? 1000 : 1;
      return {
        column,
        precisionMs,
        toMs: (v) =>
          truncate(
            typeof v === 'number' || typeof v === 'string' || typeof v === 'bigint'
              ? Number(v) * unit
              : undefined,
          ),
        atOrAfter: (ms) => ceilTo(ms, precisionMs) / unit,
        atOrBefore: (ms) => floorTo(ms, precisionMs) / unit,
      };
    }
    case 'text': {
      const format = spec.format!;
      return {
        column,
        precisionMs,
        toMs: (v) => truncate(parseDate(v, format)),
        atOrAfter: (ms) => formatDate(ceilTo(ms, precisionMs), format),
        atOrBefore: (ms) => formatDate(floorTo(ms, precisionMs), format),
      };
    }
    default: {
      if (dialect === 'sqlite') {
        // SQLite has no date type: its dates are text, in one format that sorts as text.
        return timeColumn(
          { ...spec, type: 'text', format: spec.format ?? 'YYYY-MM-DD HH:mm:ss.SSS' },
          dialect,
        );
      }
      return {
        column,
        precisionMs,
        toMs: (v) => truncate(v instanceof Date ? v.getTime() : parseDate(v)),
        atOrAfter: (ms) => sqlTimestamp(ceilTo(ms, precisionMs)),
        atOrBefore: (ms) => sqlTimestamp(floorTo(ms, precisionMs)),
      };
    }
  }
}
