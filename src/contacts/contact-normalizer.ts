import { toE164 } from '../talkdesk/contract/phone';
import { numberText } from '../common/number-text';
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
  const text = (
    typeof value === 'string'
      ? value
      : typeof value === 'number'
        ? numberText(value)
        : String(value)
  ).trim();
  return text === '' ? undefined : text;
}

/** The values of a list field as an array (an adapter may hand over any iterable). */
const listOf = (values: Iterable<unknown> | null | undefined): readonly unknown[] =>
  Array.isArray(values) ? values : [...(values ?? [])];

/** Past this many values, duplicates are found with a Set rather than by scanning. */
const SCAN_LIMIT = 16;

/**
 * Whether `key` is among the first `count` keys: lists are short (a contact has a few emails),
 * so a scan beats building a Set for every contact.
 */
function seen(keys: string[], key: string, set: Set<string> | undefined): boolean {
  if (set !== undefined) return set.has(key);
  for (let i = 0; i < keys.length; i++) if (keys[i] === key) return true;
  return false;
}

/**
 * Whether the list is already what uniqueTexts makes of it: non-empty trimmed texts, no two
 * alike. Answered only for the lists it can tell cheaply (one email; up to SCAN_LIMIT other
 * texts, compared as they are); false for the rest.
 */
function alreadyUnique(values: readonly unknown[], ignoreCase: boolean): boolean {
  if (values.length > (ignoreCase ? 1 : SCAN_LIMIT)) return false;
  for (let i = 0; i < values.length; i++) {
    const value = values[i];
    if (typeof value !== 'string' || value === '' || value.trim() !== value) return false;
    for (let j = 0; j < i; j++) if (values[j] === value) return false;
  }
  return true;
}

/**
 * Non-empty, trimmed, the first spelling of each kept; emails compared without case. A list that
 * is so already is handed on as it is (its JSON is the same, and no copy is made per contact).
 */
function uniqueTexts(values: readonly unknown[], ignoreCase: boolean): string[] {
  if (alreadyUnique(values, ignoreCase)) return values as string[];
  const out: string[] = [];
  const set = values.length > SCAN_LIMIT ? new Set<string>() : undefined;
  // Lower-cased emails are made only once there is a second one to compare: most lists hold one.
  let keys: string[] | undefined = !ignoreCase ? out : set ? [] : undefined;
  for (let i = 0; i < values.length; i++) {
    const text = clean(values[i]);
    if (text === undefined) continue;
    if (keys === undefined) {
      if (out.length === 0) {
        out.push(text);
        continue;
      }
      keys = [out[0].toLowerCase()];
    }
    const key = ignoreCase ? text.toLowerCase() : text;
    if (seen(keys, key, set)) continue;
    set?.add(key);
    if (ignoreCase) keys.push(key);
    out.push(text);
  }
  return out;
}

/** E.164 where readable, else as given (trimmed); the first of each; counted in `stats`. */
function uniquePhones(
  values: readonly unknown[],
  region: string,
  stats: PhoneStats | undefined,
): string[] {
  const out: string[] = [];
  const set = values.length > SCAN_LIMIT ? new Set<string>() : undefined;
  for (let i = 0; i < values.length; i++) {
    const text = clean(values[i]);
    if (text === undefined) continue;
    const e164 = toE164(text, region);
    const value = e164 ?? text;
    if (seen(out, value, set)) continue;
    set?.add(value);
    out.push(value);
    // One text always reads the same way, so a kept value's own reading is the one to count.
    if (stats) {
      if (e164 === null) stats.unparsed++;
      else stats.normalized++;
    }
  }
  return out;
}

/** Whether a field is a plain `{key, value}` of texts: own keys exactly these two, in this order. */
function isTextField(field: unknown): field is { key: string; value: string } {
  if (typeof field !== 'object' || field === null || Array.isArray(field)) return false;
  let count = 0;
  for (const name in field) {
    if (name !== (count === 0 ? 'key' : count === 1 ? 'value' : undefined)) return false;
    count++;
  }
  const { key, value } = field as { key: unknown; value: unknown };
  return (
    count === 2 &&
    typeof key === 'string' &&
    key !== '' &&
    key.trim() === key &&
    typeof value === 'string'
  );
}

/**
 * The custom fields, `{key, value}` with a trimmed key and the value as text. A list of such
 * fields already (what the SQL connector reads from a JSON column) is handed on as it is: its JSON
 * is the same, and no copy is made per contact.
 */
function customFields(fields: ContactRecord['customFields']): { key: string; value: string }[] {
  if (Array.isArray(fields) && fields.every(isTextField)) return fields;
  const out: { key: string; value: string }[] = [];
  for (const field of listOf(fields) as ContactRecord['customFields'] & unknown[]) {
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
  const emails = uniqueTexts(listOf(record.emails), true);
  const phones = uniquePhones(listOf(record.phones), region, phoneStats);
  const title = clean(record.title);
  const company = clean(record.company);
  const photoUrl = clean(record.photoUrl);
  const address = clean(record.address);
  const websites = uniqueTexts(listOf(record.websites), false);
  const twitter = clean(record.twitter);
  const url = clean(record.url);
  const custom = customFields(record.customFields);
  const contact: TalkdeskContact = {
    id,
    name: clean(record.name) ?? emails[0] ?? phones[0] ?? company ?? `Contact ${id}`,
  };
  // Fields in the order Talkdesk documents them; empty ones are left out.
  if (title !== undefined) contact.title = title;
  if (emails.length > 0) contact.emails = emails;
  if (phones.length > 0) contact.phones = phones;
  if (photoUrl !== undefined) contact.photo_url = photoUrl;
  if (company !== undefined) contact.company = company;
  if (address !== undefined) contact.address = address;
  if (websites.length > 0) contact.websites = websites;
  if (twitter !== undefined) contact.twitter = twitter;
  if (url !== undefined) contact.url = url;
  if (custom.length > 0) contact.custom_fields = custom;
  return contact;
}
