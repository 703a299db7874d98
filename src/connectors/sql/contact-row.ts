import type { Selectable } from 'kysely';
import type { ContactRecord } from '../ports';
import type { ContactsTable } from './schema';

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
 * A row of the contacts table as the contacts port hands it out. Free of NestJS and Kysely at
 * run time, so the benchmark's raw Fastify baseline maps rows with this very function.
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
