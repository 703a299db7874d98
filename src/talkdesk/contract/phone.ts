import { e164Of } from './phone-e164';

/** Region of numbers written without a country code, unless DEFAULT_PHONE_REGION says otherwise. */
export const DEFAULT_PHONE_REGION = 'US';

/**
 * E.164 form of a phone number written any way people write them, or null when it cannot be
 * read as a possible number: libphonenumber's answer (phone-e164.ts says how it is had cheaply).
 */
export function toE164(raw: string, defaultRegion: string): string | null {
  return e164Of(raw, defaultRegion);
}

/**
 * A phone as a contact sent to Talkdesk carries it: E.164 when it can be read, else as the
 * external system gave it, so that a number Talkdesk cannot parse is still shown, never dropped.
 */
export function contactPhone(raw: string, region: string): { value: string; normalized: boolean } {
  const e164 = toE164(raw, region);
  return e164 === null ? { value: raw, normalized: false } : { value: e164, normalized: true };
}

/**
 * The one key under which a number is stored and looked up, so that two spellings of it meet:
 * E.164 when it can be read, else its digits alone. Blank input has no key.
 */
export function phoneLookupKey(raw: string, region: string): string | undefined {
  if (!raw.trim()) return undefined;
  return toE164(raw, region) ?? digitsOf(raw);
}

/**
 * The forms a lookup by phone can hand an external system that stores numbers its own way: as
 * Talkdesk sent it (trimmed), E.164 (falling back to the trimmed text) and digits alone.
 */
export function phoneLookupForms(
  raw: string,
  region: string,
): { phone: string; phone_e164: string; phone_digits: string } {
  const phone = raw.trim();
  return { phone, phone_e164: toE164(raw, region) ?? phone, phone_digits: digitsOf(raw) };
}

function digitsOf(raw: string): string {
  return raw.replace(/\D/g, '');
}
