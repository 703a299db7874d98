import { CompiledRecordFilter, RecordCondition } from '../../manifest/compiled';

/**
 * A stream's record filter (`record_filter`): conditions every record must meet to be sent to
 * Talkdesk, e.g. Zendesk's user export, which lists agents and deleted users among the
 * customers. A record that fails one is left out quietly: it is not broken, so it is not logged,
 * only counted (`bridge_records_dropped_total{reason="filtered"}`).
 */

/** A missing value reads as null, so `not_in: [null]` also refuses a missing one. */
function valueAt(condition: RecordCondition, record: unknown): unknown {
  return condition.path.get(record) ?? null;
}

export function keepsRecord(filter: CompiledRecordFilter, record: unknown): boolean {
  for (const condition of filter.conditions) {
    const value = valueAt(condition, record);
    if (condition.in && !condition.in.includes(value)) return false;
    if (condition.notIn?.includes(value)) return false;
  }
  return true;
}

/** The records the filter keeps, in their order, and how many it left out. */
export function filterRecords(
  filter: CompiledRecordFilter | undefined,
  records: unknown[],
): { records: unknown[]; filtered: number } {
  if (!filter) return { records, filtered: 0 };
  const kept = records.filter((r) => keepsRecord(filter, r));
  return { records: kept, filtered: records.length - kept.length };
}
