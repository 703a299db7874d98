import { CountryCode, parsePhoneNumberFromString } from 'libphonenumber-js';

/**
 * Talkdesk looks a caller up by an E.164 number (`+12125551000`), while CRMs, help desks and
 * in-house databases store what people typed (`(212) 555-1000`, `212.555.1000`, `0044 20 …`).
 * A connector that cannot normalize the stored side (an API's search, a database column) asks
 * for the number in several written forms, in the order its manifest declares, until one hits.
 */
export const PHONE_FORMS = [
  'e164',
  'international',
  'national',
  'national_digits',
  'digits',
  'last_digits',
] as const;
export type PhoneForm = (typeof PHONE_FORMS)[number];

/** What each form looks like for `+1 212 555 1000`, for docs and schema descriptions. */
export const PHONE_FORM_EXAMPLES: Readonly<Record<PhoneForm, string>> = {
  e164: '+12125551000',
  international: '+1 212 555 1000',
  national: '(212) 555-1000',
  national_digits: '2125551000',
  digits: '12125551000',
  last_digits: '5551000 (the last `last_digits` digits, 7 unless set)',
};

export const DEFAULT_LAST_DIGITS = 7;
/** Fewer last digits than this match too many numbers to tell a caller by. */
export const MIN_LAST_DIGITS = 4;
/** E.164 numbers have at most 15 digits. */
export const MAX_LAST_DIGITS = 15;

export interface PhoneFormValue {
  form: PhoneForm;
  value: string;
}

/**
 * The number in each requested form, in the requested order, without blanks or repeats (a form
 * that spells the same text as an earlier one is not asked for twice). A number that cannot be
 * read keeps only the forms made of its digits, so a lookup still tries what the caller sent.
 */
export function phoneForms(
  raw: string,
  region: string,
  forms: readonly PhoneForm[],
  lastDigits = DEFAULT_LAST_DIGITS,
): PhoneFormValue[] {
  const parsed = parsePhoneNumberFromString(raw.trim(), {
    defaultCountry: region.toUpperCase() as CountryCode,
  });
  const possible = parsed?.isPossible() ? parsed : undefined;
  const rawDigits = raw.replace(/\D/g, '');
  const spell = (form: PhoneForm): string => {
    switch (form) {
      case 'e164':
        return possible?.number ?? '';
      case 'international':
        return possible?.formatInternational() ?? '';
      case 'national':
        return possible?.formatNational() ?? '';
      case 'national_digits':
        return possible?.formatNational().replace(/\D/g, '') ?? '';
      case 'digits':
        // Unread text with fewer digits than a last-digits match would need finds strangers.
        return possible
          ? possible.number.slice(1)
          : rawDigits.length >= lastDigits
            ? rawDigits
            : '';
      case 'last_digits': {
        const digits = possible ? String(possible.nationalNumber) : rawDigits;
        return digits.length >= lastDigits ? digits.slice(-lastDigits) : '';
      }
    }
  };
  const seen = new Set<string>();
  const out: PhoneFormValue[] = [];
  for (const form of forms) {
    const value = spell(form);
    if (!value || seen.has(value)) continue;
    seen.add(value);
    out.push({ form, value });
  }
  return out;
}
