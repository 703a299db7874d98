import type { Selectable } from 'kysely';
import type { ContactRecord } from '../../src/connectors/ports';
import type { ContactsTable } from '../../src/connectors/sql/schema';

/** A JSON array column; anything unreadable is an empty list rather than a failed page. */
export function parseJsonArray<T>(text: string): T[] {
  try {
    const value: unknown = JSON.parse(text);
    return Array.isArray(value) ? (value as T[]) : [];
  } catch {
    return [];
  }
}

/**
 * A row of the demo's contacts table as the contacts port hands it out (what
 * connectors/sql/bridge-demo.yaml maps it to), written by hand: the raw Fastify baseline's
 * mapping, the least a row can cost.
 */
export function contactRowToRecord(
  row: Selectable<ContactsTable>,
  recordUrlBase: string,
): ContactRecord {
  return {
    id: String(row.id),
    updatedAt: Number(row.updated_at),
    name: row.name,
    title: row.title,
    company: row.company,
    emails: parseJsonArray(row.emails),
    phones: parseJsonArray(row.phones),
    websites: parseJsonArray(row.websites),
    customFields: parseJsonArray(row.custom_fields),
    photoUrl: row.photo_url,
    address: row.address,
    twitter: row.twitter,
    url: `${recordUrlBase}/contacts/${row.id}`,
  };
}
