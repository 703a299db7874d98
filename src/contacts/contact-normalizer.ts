import { contactPhone } from '../talkdesk/contract/phone';
import { ContactRecord } from '../connectors/ports';

/** A contact in the shape Talkdesk stores; optional fields are left out when empty. */
export interface TalkdeskContact {
  id: string;
  name: string;
  title?: string;
  company?: string;
  emails?: string[];
  phones?: string[];
  websites?: string[];
  photo_url?: string;
  address?: string;
  twitter?: string;
  url?: string;
  custom_fields?: { key: string; value: string }[];
}

function clean(value: unknown): string | undefined {
  if (value === null || value === undefined) return undefined;
  const text = (typeof value === 'string' ? value : String(value)).trim();
  return text === '' ? undefined : text;
}

/** Non-empty, trimmed, first occurrence of each `identity` kept. */
function uniqueStrings(
  values: readonly unknown[] | null | undefined,
  normalize: (text: string) => string = (text) => text,
  identity: (text: string) => string = (text) => text,
): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const value of values ?? []) {
    const text = clean(value);
    if (text === undefined) continue;
    const normalized = normalize(text);
    const key = identity(normalized);
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(normalized);
  }
  return out;
}

function customFields(fields: ContactRecord['customFields']): { key: string; value: string }[] {
  const out: { key: string; value: string }[] = [];
  for (const field of fields ?? []) {
    const key = clean(field?.key);
    const raw = field?.value;
    if (key === undefined || raw === null || raw === undefined) continue;
    const value = typeof raw === 'object' ? JSON.stringify(raw) : String(raw);
    out.push({ key, value });
  }
  return out;
}

/** Counts what normalization did to phone numbers, across the contacts it is handed to. */
export interface PhoneStats {
  /** Numbers read and written in E.164. */
  normalized: number;
  /** Numbers that could not be read and are kept as written. */
  unparsed: number;
}

/**
 * Applies Talkdesk's contact rules to a record of the external system: string id, a name,
 * E.164 phones (kept as given when unreadable, never dropped), no empty strings, no duplicate
 * emails or phones. Returns null for a record without an id, which Talkdesk cannot store.
 * `phoneStats`, when given, counts the phones sent.
 */
export function toTalkdeskContact(
  record: ContactRecord,
  region: string,
  phoneStats?: PhoneStats,
): TalkdeskContact | null {
  const id = clean(record.id);
  if (id === undefined) return null;
  const emails = uniqueStrings(record.emails, undefined, (e) => e.toLowerCase());
  let unparsed: Set<string> | undefined;
  const phones = uniqueStrings(record.phones, (p) => {
    const { value, normalized } = contactPhone(p, region);
    if (!normalized) (unparsed ??= new Set()).add(value);
    return value;
  });
  if (phoneStats) {
    for (const phone of phones) {
      if (unparsed?.has(phone)) phoneStats.unparsed++;
      else phoneStats.normalized++;
    }
  }
  const websites = uniqueStrings(record.websites);
  const custom = customFields(record.customFields);
  // Fields in the order Talkdesk documents them; empty ones are left out.
  const fields: [keyof TalkdeskContact, unknown][] = [
    ['title', clean(record.title)],
    ['emails', emails],
    ['phones', phones],
    ['photo_url', clean(record.photoUrl)],
    ['company', clean(record.company)],
    ['address', clean(record.address)],
    ['websites', websites],
    ['twitter', clean(record.twitter)],
    ['url', clean(record.url)],
    ['custom_fields', custom],
  ];
  const contact: Record<string, unknown> = {
    id,
    name: clean(record.name) ?? emails[0] ?? phones[0] ?? clean(record.company) ?? `Contact ${id}`,
  };
  for (const [key, value] of fields) {
    if (value !== undefined && !(Array.isArray(value) && value.length === 0)) contact[key] = value;
  }
  return contact as unknown as TalkdeskContact;
}
