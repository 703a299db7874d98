/**
 * Dates as HTTP APIs write them. Formats a manifest may name:
 *
 * - `iso`: ISO 8601 with milliseconds, `2024-05-01T12:30:00.000Z`
 * - `iso_seconds`: ISO 8601 without milliseconds, `2024-05-01T12:30:00Z`
 * - `epoch_seconds`, `epoch_ms`: numbers since 1970
 * - `date`: `2024-05-01`
 * - any other text is a pattern of YYYY, MM, DD, HH, mm, ss, SSS (UTC), e.g. `YYYY-MM-DD HH:mm:ss`
 *
 * Reading (`auto`, the default) takes numbers as epoch seconds or milliseconds (by size) and
 * text as ISO 8601 or anything Date.parse reads; a pattern reads text written in it.
 */

export const NAMED_DATE_FORMATS = ['iso', 'iso_seconds', 'epoch_seconds', 'epoch_ms', 'date'];

const TOKENS = /YYYY|MM|DD|HH|mm|ss|SSS/g;

const pad = (n: number, width: number) => String(n).padStart(width, '0');

/** Whether `format` is a named format or a pattern with at least one token. */
export function isDateFormat(format: string): boolean {
  return NAMED_DATE_FORMATS.includes(format) || /YYYY/.test(format);
}

/** The smallest step a format can tell apart, in milliseconds. */
export function granularityMs(format: string): number {
  switch (format) {
    case 'iso':
    case 'epoch_ms':
      return 1;
    case 'iso_seconds':
    case 'epoch_seconds':
      return 1000;
    case 'date':
      return 86_400_000;
  }
  if (format.includes('SSS')) return 1;
  if (format.includes('ss')) return 1000;
  if (format.includes('mm')) return 60_000;
  if (format.includes('HH')) return 3_600_000;
  return 86_400_000;
}

/**
 * The precision of update times read in `readFormat` (a field's format; `auto` or none reads
 * whatever the text says: milliseconds) and bounded in `boundFormat` (the format an upper bound
 * is sent in, if any): the coarser of the two.
 */
export function updatePrecisionMs(readFormat?: string, boundFormat?: string): number {
  const read = readFormat === undefined || readFormat === 'auto' ? 1 : granularityMs(readFormat);
  return Math.max(read, boundFormat === undefined ? 1 : granularityMs(boundFormat));
}

/** An instant (epoch ms) written in `format`, truncated to what the format can say. */
export function formatDate(ms: number, format: string): string | number {
  const date = new Date(ms);
  switch (format) {
    case 'iso':
      return date.toISOString();
    case 'iso_seconds':
      return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
    case 'epoch_seconds':
      return Math.floor(ms / 1000);
    case 'epoch_ms':
      return Math.floor(ms);
    case 'date':
      return date.toISOString().slice(0, 10);
  }
  const parts: Record<string, string> = {
    YYYY: pad(date.getUTCFullYear(), 4),
    MM: pad(date.getUTCMonth() + 1, 2),
    DD: pad(date.getUTCDate(), 2),
    HH: pad(date.getUTCHours(), 2),
    mm: pad(date.getUTCMinutes(), 2),
    ss: pad(date.getUTCSeconds(), 2),
    SSS: pad(date.getUTCMilliseconds(), 3),
  };
  return format.replace(TOKENS, (token) => parts[token]);
}

function fromNumber(n: number, format: string): number | undefined {
  if (!Number.isFinite(n)) return undefined;
  if (format === 'epoch_seconds') return n * 1000;
  if (format === 'epoch_ms') return n;
  // auto: below 10^11 is seconds (until the year 5138), above is milliseconds.
  return Math.abs(n) < 1e11 ? n * 1000 : n;
}

function fromPattern(text: string, pattern: string): number | undefined {
  const order: string[] = [];
  const regex = pattern.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(TOKENS, (token) => {
    order.push(token);
    return token === 'YYYY' ? '(\\d{4})' : token === 'SSS' ? '(\\d{3})' : '(\\d{2})';
  });
  const match = new RegExp(`^${regex}$`).exec(text.trim());
  if (!match) return undefined;
  const value: Record<string, number> = { YYYY: 1970, MM: 1, DD: 1, HH: 0, mm: 0, ss: 0, SSS: 0 };
  order.forEach((token, i) => (value[token] = Number(match[i + 1])));
  return Date.UTC(value.YYYY, value.MM - 1, value.DD, value.HH, value.mm, value.ss, value.SSS);
}

/** The number of the `length` ASCII digits at `at`, or -1 when one of them is not a digit. */
function digitsAt(text: string, at: number, length: number): number {
  let n = 0;
  for (let i = at; i < at + length; i++) {
    const c = text.charCodeAt(i) - 48;
    if (c < 0 || c > 9) return -1;
    n = n * 10 + c;
  }
  return n;
}

/**
 * `YYYY-MM-DDTHH:mm:ss` with `.SSS` or not and `Z` or not (zoneless is UTC), read without
 * Date.parse; undefined for anything else, which Date.parse then reads. Only values Date.parse
 * reads the same way are answered: years from 100 (Date.UTC takes 0-99 as 1900-1999), days up
 * to 28 (Date.parse rolls 2024-02-30 over into March), hours below 24.
 */
function isoFast(text: string): number | undefined {
  const length = text.length;
  const zulu = text.charCodeAt(length - 1) === 90; // Z
  const body = zulu ? length - 1 : length;
  if ((body !== 19 && body !== 23) || text.charCodeAt(10) !== 84) return undefined; // T
  if (text.charCodeAt(4) !== 45 || text.charCodeAt(7) !== 45) return undefined; // -
  if (text.charCodeAt(13) !== 58 || text.charCodeAt(16) !== 58) return undefined; // :
  if (body === 23 && text.charCodeAt(19) !== 46) return undefined; // .
  const year = digitsAt(text, 0, 4);
  const month = digitsAt(text, 5, 2);
  const day = digitsAt(text, 8, 2);
  const hour = digitsAt(text, 11, 2);
  const minute = digitsAt(text, 14, 2);
  const second = digitsAt(text, 17, 2);
  const ms = body === 23 ? digitsAt(text, 20, 3) : 0;
  if (year < 100 || month < 1 || month > 12 || day < 1 || day > 28) return undefined;
  if (hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 59) {
    return undefined;
  }
  if (ms < 0) return undefined;
  return Date.UTC(year, month - 1, day, hour, minute, second, ms);
}

/** Epoch milliseconds of a date value written in `format` (default auto); undefined when unreadable. */
export function parseDate(value: unknown, format = 'auto'): number | undefined {
  if (value === null || value === undefined || value === '') return undefined;
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? undefined : value.getTime();
  if (typeof value === 'number') return fromNumber(value, format);
  if (typeof value !== 'string') return undefined;
  const text = value.trim();
  const pattern = format.includes('YYYY');
  if (pattern) return fromPattern(text, format);
  // Most update times an API writes: read at once (a tenth of what Date.parse costs).
  const fast = isoFast(text);
  if (fast !== undefined) return fast;
  if (/^-?\d+(\.\d+)?$/.test(text) && format !== 'date') {
    return fromNumber(Number(text), format);
  }
  // A date and time without a zone is read as UTC, whatever the machine's time zone.
  const zoneless = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/.test(text);
  const ms = Date.parse(zoneless ? `${text.replace(' ', 'T')}Z` : text);
  return Number.isNaN(ms) ? undefined : ms;
}
