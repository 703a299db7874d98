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
 *   directly (northAmerican below says why the answer is libphonenumber's), and so are
 *   international ones without a national prefix whose length every country of their calling
 *   code holds possible, or none does (international below);
 * - so are both when an extension follows (`ext. 12`: see direct below);
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
 * A number written with nothing but digits, spaces, dots, dashes, parentheses and a leading `+`
 * (`(212) 555-0134`, `+351 21 123 4567`): its digits, after a `+` when one leads. Undefined for
 * anything else. For such text libphonenumber reads the digits alone: it has no extension (every
 * extension form needs a letter, `#`, `,` or `;`) and no RFC 3966 parts, it is viable once it
 * has three digits, and only a leading `+` counts.
 */
function plainDigits(raw: string): string | undefined {
  const length = raw.length;
  if (length > 40) return undefined;
  // Runs of digits are sliced out whole: a number is read with a few strings, not one a digit.
  let digits = '';
  /** Where the run of digits being read began, or -1 between runs. */
  let run = -1;
  let plus = false;
  let started = false;
  for (let i = 0; i < length; i++) {
    const c = raw.charCodeAt(i);
    if (c >= 48 && c <= 57) {
      if (run < 0) run = i;
      started = true;
      continue;
    }
    if (run >= 0) {
      digits += raw.slice(run, i);
      run = -1;
    }
    if (c === 43) {
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
  if (run >= 0) {
    // Digits alone, or `+` and digits alone: the text is its own answer.
    if (digits === '' && run === (plus ? 1 : 0)) return raw;
    digits += raw.slice(run);
  }
  return plus ? `+${digits}` : digits;
}

/**
 * Every length some country of the NANP (calling code 1) holds possible for a national number;
 * undefined when the metadata leaves a country's lengths out.
 */
const NANP_LENGTHS: ReadonlySet<number> | undefined = (() => {
  const plans = new Metadata(metadata) as unknown as PlanLookup;
  const lengths = new Set<number>();
  for (const country of metadata.country_calling_codes['1'] ?? []) {
    plans.selectNumberingPlan(country);
    const possible = plans.numberingPlan?.possibleLengths();
    if (!possible) return undefined;
    for (const length of possible) lengths.add(length);
  }
  return lengths;
})();

/**
 * The North American plain numbers (plainDigits): `(212) 555-0134`, `212.555.0134`,
 * `1-212-555-0134`, `+1 212 555 0134`. For them libphonenumber's steps come to this: no IDD
 * prefix (011 starts with 0), the calling code 1 read from the `+` or, in a NANP default region,
 * taken from the region (an eleventh leading digit 1 is the calling code again: eleven digits are
 * too long for every NANP country), a national number of ten digits not starting with 0 or 1 (so
 * no national prefix to strip), which every NANP country holds possible. In a NANP region,
 * digits alone not starting with 0 or 1 (no IDD prefix, no calling code, no national prefix)
 * are the national number as they stand: of a length no NANP country holds possible (`112`,
 * twelve digits), the number is impossible whichever country the search would place it in.
 * Other lengths go through libphonenumber.
 */
function northAmerican(text: string, nanpRegion: boolean): string | null | undefined {
  const plus = text.charCodeAt(0) === 43;
  const digits = plus ? text.slice(1) : text;
  const eleven = digits.length === 11 && digits.charCodeAt(0) === 49 && digits.charCodeAt(1) >= 50;
  if (plus) return eleven ? text : undefined;
  if (!nanpRegion) return undefined;
  if (eleven) return `+${digits}`;
  if (!(digits.charCodeAt(0) >= 50)) return undefined;
  if (digits.length === 10) return `+1${digits}`;
  return NANP_LENGTHS?.has(digits.length) === false ? null : undefined;
}

/** What libphonenumber knows of a calling code (in SEARCH_SKIPPED). */
interface CallingCodePlan {
  /**
   * The national prefix for parsing of the code's main country (the one libphonenumber selects
   * by the calling code, before it looks for the exact country), as the pattern it matches it with.
   */
  prefix?: RegExp;
  /** The possible lengths of the main country. */
  possibleLengths: readonly number[];
  /** For a code several countries share: the possible lengths of each (the main one's first). */
  shared?: readonly (readonly number[])[];
}

/** The library's own accessors, which its typings leave out. */
interface PlanLookup {
  hasCallingCode(code: string): boolean;
  selectNumberingPlan(country: string): void;
  numberingPlan?: {
    possibleLengths(): number[] | undefined;
    nationalPrefixForParsing(): string | undefined;
  };
}

/**
 * Every calling code libphonenumber knows (it tries the first one, two, then three digits after
 * the `+`), with its plan, or null (a non-geographic code, or a country without possible lengths
 * in the metadata: the library decides).
 */
const CALLING_CODES: ReadonlyMap<string, CallingCodePlan | null> = (() => {
  const lookup = new Metadata(SEARCH_SKIPPED) as unknown as PlanLookup;
  const lengthsOf = (country: string) => {
    lookup.selectNumberingPlan(country);
    return lookup.numberingPlan?.possibleLengths();
  };
  const codes = new Map<string, CallingCodePlan | null>();
  for (let code = 1; code < 1000; code++) {
    const text = String(code);
    if (!lookup.hasCallingCode(text)) continue;
    const countries = SEARCH_SKIPPED.country_calling_codes[text] ?? [];
    const lengths = countries.map(lengthsOf);
    if (
      countries.length === 0 ||
      countries.includes('001' as CountryCode) ||
      lengths.some((l) => !l)
    ) {
      codes.set(text, null);
      continue;
    }
    lookup.selectNumberingPlan(countries[0]);
    const prefix = lookup.numberingPlan?.nationalPrefixForParsing();
    codes.set(text, {
      possibleLengths: lengths[0]!,
      ...(prefix && { prefix: new RegExp(`^(?:${prefix})`) }),
      ...(countries.length > 1 && { shared: lengths as number[][] }),
    });
  }
  return codes;
})();

/** libphonenumber's test of a national number's length (checkNumberLength: IS_POSSIBLE). */
function possibleLength(lengths: readonly number[], length: number): boolean {
  if (lengths[0] === length) return true;
  if (lengths[0] > length || lengths[lengths.length - 1] < length) return false;
  return lengths.indexOf(length, 1) >= 0;
}

/**
 * A plain international number (`+` and digits) whose national number does not begin with the
 * national prefix of its calling code's main country: libphonenumber takes the shortest calling
 * code it knows, selects the code's main country, strips nothing (only that country's prefix is
 * tried), and answers `+` and the digits when the national number (2 to 17 digits) is of a
 * possible length for the country, else nothing. For a code several countries share (+44: GB,
 * GG, IM, JE) it then searches which of them the number belongs to, and that country's lengths
 * decide (the main one's when none matches): when the length is possible in every one of them,
 * or in none, the search cannot change the answer. Undefined when libphonenumber has more to do
 * (a prefix to consider, countries that disagree on the length).
 */
function international(text: string): string | null | undefined {
  for (let length = 1; length <= 3 && length < text.length; length++) {
    const plan = CALLING_CODES.get(text.slice(1, length + 1));
    if (plan === undefined) continue;
    if (plan === null) return undefined;
    const national = text.slice(length + 1);
    const digits = national.length;
    if (digits < 2 || digits > 17 || plan.prefix?.test(national)) return undefined;
    if (!plan.shared) return possibleLength(plan.possibleLengths, digits) ? text : null;
    let possible = 0;
    for (const lengths of plan.shared) if (possibleLength(lengths, digits)) possible++;
    if (possible === plan.shared.length) return text;
    return possible === 0 ? null : undefined;
  }
  return undefined;
}

/** Text after a plain number that libphonenumber reads as its extension: `ext. 12`, `ext 7`. */
const EXTENSION = /^ext\.? *[0-9]{1,20}$/;

/**
 * The answer for the common forms without libphonenumber, or undefined. A plain number
 * followed by `ext`, an optional dot, spaces and 1 to 20 digits has that extension split off by
 * libphonenumber (the earliest place its extension pattern matches to the end is the space
 * before `ext`), and the number before it read on its own: the same answer as without it.
 */
function direct(raw: string, nanpRegion: boolean): string | null | undefined {
  let text = plainDigits(raw);
  if (text === undefined) {
    const at = raw.lastIndexOf('ext');
    if (at < 0 || raw.length > 80 || !EXTENSION.test(raw.slice(at))) return undefined;
    text = plainDigits(raw.slice(0, at));
    if (text === undefined) return undefined;
  }
  const answer = northAmerican(text, nanpRegion);
  if (answer !== undefined || text.charCodeAt(0) !== 43) return answer;
  return international(text);
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
  const answer = direct(raw, nanp);
  if (answer !== undefined) return answer;
  const known = memo.get(raw);
  if (known !== undefined) return known;
  const parsed = e164(raw, options);
  if (memoSize >= MEMO_LIMIT) {
    for (const other of memos.values()) other.clear();
    memoSize = 0;
  }
  memo.set(raw, parsed);
  memoSize++;
  return parsed;
}
