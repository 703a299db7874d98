import { CountryCode, parsePhoneNumberFromString } from 'libphonenumber-js';

/**
 * E.164 form of a phone number written any way people write them, or null when it cannot be
 * read as a possible number (callers keep such numbers as given rather than drop them).
 */
export function toE164(raw: string, defaultRegion: string): string | null {
  const parsed = parsePhoneNumberFromString(raw, {
    defaultCountry: defaultRegion.toUpperCase() as CountryCode,
  });
  return parsed?.isPossible() ? parsed.number : null;
}
