import {
  CountryCode,
  Metadata,
  MetadataJson,
  parsePhoneNumberFromString,
} from 'libphonenumber-js/core';
import minMetadata from 'libphonenumber-js/min/metadata';

/**
 * E.164 normalization with libphonenumber's answers, at a fraction of its cost.
 *
 * libphonenumber answers `+<calling code><national number>` for a number it reads as possible,
 * and "possible" depends only on the length of the national number, judged by the possible
 * lengths of one country. Where several countries share a calling code (the 25 of the NANP,
 * +44, +599, +7...), the library first searches which of them the number belongs to, testing
 * each country's leading-digit and number patterns (for the NANP, up to 25 sets of regular
 * expressions): most of its time on North American numbers. The national number is read before
 * that search, so the search can only change the answer through the possible lengths of the
 * country it finds. Where every country of the calling code agrees on the number's length, the
 * answer is the same whichever country the search would find, and the search is skipped:
 * libphonenumber runs on a copy of its metadata in which each shared calling code names only its
 * main country. Where they disagree (a 7-digit national number under +1, which only Canada
 * allows; 7 or 9 digits under +44), the number is parsed again with the full metadata.
 *
 * A plain "already E.164" shortcut would not be equivalent: libphonenumber rewrites
 * `+44 (0)20 …`, and refuses impossible lengths and unknown calling codes.
 * src/talkdesk/contract/phone.corpus.spec.ts checks the answers against the library's own.
 */

/** The metadata the library's default entry point uses. */
const metadata = minMetadata as unknown as MetadataJson;

/** The metadata with every shared calling code reduced to its main country. */
const MAIN_COUNTRY_ONLY: MetadataJson = {
  ...metadata,
  country_calling_codes: Object.fromEntries(
    Object.entries(metadata.country_calling_codes).map(([code, countries]) => [
      code,
      countries.slice(0, 1),
    ]),
  ),
};

/**
 * For each calling code shared by several countries, the national-number lengths on which they
 * disagree about being possible.
 */
const DISPUTED_LENGTHS: ReadonlyMap<string, ReadonlySet<number>> = (() => {
  const plans = new Metadata(metadata);
  const lengthsOf = (country: CountryCode) => {
    plans.selectNumberingPlan(country);
    return new Set(plans.numberingPlan?.possibleLengths() ?? []);
  };
  const disputed = new Map<string, Set<number>>();
  for (const [code, countries] of Object.entries(metadata.country_calling_codes)) {
    if (countries.length < 2) continue;
    const sets = countries.map(lengthsOf);
    const lengths = new Set<number>();
    for (const set of sets) for (const length of set) lengths.add(length);
    for (const length of lengths) {
      if (!sets.every((set) => set.has(length))) {
        if (!disputed.has(code)) disputed.set(code, new Set());
        disputed.get(code)?.add(length);
      }
    }
  }
  return disputed;
})();

/** libphonenumber's answer, with its metadata in full (the country search included). */
function e164WithSearch(raw: string, options: { defaultCountry: CountryCode }): string | null {
  const parsed = parsePhoneNumberFromString(raw, options, metadata);
  return parsed?.isPossible() ? parsed.number : null;
}

function e164(raw: string, options: { defaultCountry: CountryCode }): string | null {
  const parsed = parsePhoneNumberFromString(raw, options, MAIN_COUNTRY_ONLY);
  if (parsed === undefined) return null;
  if (DISPUTED_LENGTHS.get(parsed.countryCallingCode)?.has(parsed.nationalNumber.length)) {
    return e164WithSearch(raw, options);
  }
  return parsed.isPossible() ? parsed.number : null;
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
}
const regions = new Map<string, Region>();

function regionOf(defaultRegion: string): Region {
  let region = regions.get(defaultRegion);
  if (region === undefined) {
    const country = defaultRegion.toUpperCase();
    let memo = memos.get(country);
    if (memo === undefined) memos.set(country, (memo = new Map()));
    region = { options: { defaultCountry: country as CountryCode }, memo };
    regions.set(defaultRegion, region);
  }
  return region;
}

/** libphonenumber's E.164 form of a possible number, or null: see the top of this file. */
export function e164Of(raw: string, defaultRegion: string): string | null {
  const { options, memo } = regionOf(defaultRegion);
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
