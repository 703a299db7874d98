import {
  CountryCode,
  getCountryCallingCode,
  isSupportedCountry,
  Metadata,
  MetadataJson,
  parsePhoneNumberFromString,
} from 'libphonenumber-js/core';
import minMetadata from 'libphonenumber-js/min/metadata';

/**
 * E.164 normalization with libphonenumber's answers, at a fraction of its cost.
 *
 * libphonenumber answers `+<calling code><national number>` for a number it reads as possible.
 * Where several countries share a calling code (the 25 of the NANP, +44, +599, +7...), it
 * searches which of them the number belongs to, testing each country's leading-digit and number
 * patterns (for the NANP, up to 25 sets of regular expressions): most of its time on North
 * American numbers. The country it finds matters only through its possible lengths, which decide
 * both whether a national prefix is stripped (what remains must be of a possible length) and
 * whether the number is possible. So:
 *
 * - where every country of a shared calling code has the same possible lengths (+7, +39, +47,
 *   +212, +262, +358, +590), the search cannot change the answer and is skipped: libphonenumber
 *   runs on a copy of its metadata in which those calling codes name only their main country;
 * - North American numbers written with digits and punctuation alone, the common case, are read
 *   directly (northAmerican below says why the answer is libphonenumber's);
 * - everything else goes through libphonenumber with its search: for the NANP, a 7-digit local
 *   number is possible only in Canada, and `1` + 7 digits loses its national prefix only there.
 *
 * A plain "already E.164" shortcut would not be equivalent: libphonenumber rewrites
 * `+44 (0)20 …`, and refuses impossible lengths and unknown calling codes.
 * src/talkdesk/contract/phone.corpus.spec.ts checks the answers against the library's own.
 */

/** The metadata the library's default entry point uses. */
const metadata = minMetadata as unknown as MetadataJson;

/**
 * The metadata with each calling code shared by countries of identical possible lengths reduced
 * to its main country.
 */
const SEARCH_SKIPPED: MetadataJson = (() => {
  const plans = new Metadata(metadata);
  const lengthsOf = (country: CountryCode) => {
    plans.selectNumberingPlan(country);
    return JSON.stringify(plans.numberingPlan?.possibleLengths() ?? null);
  };
  const codes = Object.entries(metadata.country_calling_codes).map(([code, countries]) => {
    const identical = new Set(countries.map(lengthsOf)).size === 1;
    return [code, identical ? countries.slice(0, 1) : countries];
  });
  return { ...metadata, country_calling_codes: Object.fromEntries(codes) } as MetadataJson;
})();

function e164(raw: string, options: { defaultCountry: CountryCode }): string | null {
  const parsed = parsePhoneNumberFromString(raw, options, SEARCH_SKIPPED);
  return parsed?.isPossible() ? parsed.number : null;
}

/**
 * The North American numbers written with nothing but digits, spaces, dots, dashes, parentheses
 * and a leading `+`: `(212) 555-0134`, `212.555.0134`, `1-212-555-0134`, `+1 212 555 0134`. For
 * them libphonenumber's steps come to this: no extension (every extension form needs a letter,
 * `#`, `,` or `;`), no IDD prefix (011 starts with 0), the calling code 1 read from the `+` or, in
 * a NANP default region, taken from the region (an eleventh leading digit 1 is the calling code
 * again: eleven digits are too long for every NANP country), a national number of ten digits not
 * starting with 0 or 1 (so no national prefix to strip), which every NANP country holds possible.
 * Anything else (letters, other characters, other lengths) goes through libphonenumber.
 */
function northAmerican(raw: string, nanpRegion: boolean): string | undefined {
  const length = raw.length;
  if (length > 40) return undefined;
  let digits = '';
  let plus = false;
  let started = false;
  for (let i = 0; i < length; i++) {
    const c = raw.charCodeAt(i);
    if (c >= 48 && c <= 57) {
      digits += raw[i];
      started = true;
    } else if (c === 43) {
      // '+' only before anything else but spaces.
      if (started) return undefined;
      plus = true;
      started = true;
    } else if (c === 40 || c === 41 || c === 45 || c === 46) {
      started = true;
    } else if (c !== 32) {
      return undefined;
    }
  }
  const eleven = digits.length === 11 && digits.charCodeAt(0) === 49 && digits.charCodeAt(1) >= 50;
  if (plus) return eleven ? `+${digits}` : undefined;
  if (!nanpRegion) return undefined;
  if (eleven) return `+${digits}`;
  return digits.length === 10 && digits.charCodeAt(0) >= 50 ? `+1${digits}` : undefined;
}

/**
 * Answers already given, per default region. Contact data repeats its numbers (a company's
 * switchboard, a page read again after a retry), and a lookup costs a fraction of a parse. The
 * memo is bounded: when it is full it is emptied at once, which costs nothing per entry, unlike
 * evicting entries one by one.
 */
const MEMO_LIMIT = 20_000;
const memos = new Map<string, Map<string, string | null>>();
let memoSize = 0;

interface Region {
  options: { defaultCountry: CountryCode };
  memo: Map<string, string | null>;
  /** A country of the North American Numbering Plan (calling code 1). */
  nanp: boolean;
}
const regions = new Map<string, Region>();

function regionOf(defaultRegion: string): Region {
  let region = regions.get(defaultRegion);
  if (region === undefined) {
    const country = defaultRegion.toUpperCase();
    let memo = memos.get(country);
    if (memo === undefined) memos.set(country, (memo = new Map()));
    const nanp =
      isSupportedCountry(country as CountryCode, metadata) &&
      getCountryCallingCode(country as CountryCode, metadata) === '1';
    region = { options: { defaultCountry: country as CountryCode }, memo, nanp };
    regions.set(defaultRegion, region);
  }
  return region;
}

/** libphonenumber's E.164 form of a possible number, or null: see the top of this file. */
export function e164Of(raw: string, defaultRegion: string): string | null {
  const { options, memo, nanp } = regionOf(defaultRegion);
  // Not kept in the memo: computing it costs less than remembering it.
  const direct = northAmerican(raw, nanp);
  if (direct !== undefined) return direct;
  const known = memo.get(raw);
  if (known !== undefined) return known;
  const answer = e164(raw, options);
  if (memoSize >= MEMO_LIMIT) {
    for (const other of memos.values()) other.clear();
    memoSize = 0;
  }
  memo.set(raw, answer);
  memoSize++;
  return answer;
}
