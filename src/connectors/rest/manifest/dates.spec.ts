import fc from 'fast-check';
import { formatDate, granularityMs, isDateFormat, parseDate, updatePrecisionMs } from './dates';

describe('dates of HTTP APIs', () => {
  const ms = Date.UTC(2024, 4, 1, 12, 30, 15, 250);

  it('writes the named formats and patterns, truncated', () => {
    expect(formatDate(ms, 'iso')).toBe('2024-05-01T12:30:15.250Z');
    expect(formatDate(ms, 'iso_seconds')).toBe('2024-05-01T12:30:15Z');
    expect(formatDate(ms, 'epoch_seconds')).toBe(Math.floor(ms / 1000));
    expect(formatDate(ms, 'epoch_ms')).toBe(ms);
    expect(formatDate(ms, 'date')).toBe('2024-05-01');
    expect(formatDate(ms, 'YYYY-MM-DD HH:mm:ss')).toBe('2024-05-01 12:30:15');
    expect(formatDate(ms, 'DD/MM/YYYY')).toBe('01/05/2024');
    expect(granularityMs('epoch_seconds')).toBe(1000);
    expect(granularityMs('YYYY-MM-DD HH:mm')).toBe(60_000);
    expect(isDateFormat('YYYYMMDD')).toBe(true);
    expect(isDateFormat('unix')).toBe(false);
  });

  it('tells the precision of update times from the field’s format and the upper bound’s', () => {
    expect(updatePrecisionMs(undefined)).toBe(1);
    expect(updatePrecisionMs('auto')).toBe(1);
    expect(updatePrecisionMs('iso')).toBe(1);
    expect(updatePrecisionMs('iso_seconds')).toBe(1000);
    expect(updatePrecisionMs('epoch_seconds')).toBe(1000);
    expect(updatePrecisionMs('YYYY-MM-DD HH:mm:ss')).toBe(1000);
    expect(updatePrecisionMs('YYYY-MM-DDTHH:mm:ss.SSS')).toBe(1);
    // An upper bound sent in seconds cannot split a second either.
    expect(updatePrecisionMs('iso', 'epoch_seconds')).toBe(1000);
    expect(updatePrecisionMs(undefined, 'date')).toBe(86_400_000);
  });

  it('reads ISO text, epochs by size, patterns, and zoneless text as UTC', () => {
    expect(parseDate('2024-05-01T12:30:15.250Z')).toBe(ms);
    expect(parseDate('2024-05-01 12:30:15.250')).toBe(ms);
    expect(parseDate(Math.floor(ms / 1000))).toBe(Math.floor(ms / 1000) * 1000);
    expect(parseDate(ms)).toBe(ms);
    expect(parseDate(String(ms))).toBe(ms);
    expect(parseDate(1714566615, 'epoch_seconds')).toBe(1714566615000);
    expect(parseDate('01/05/2024', 'DD/MM/YYYY')).toBe(Date.UTC(2024, 4, 1));
    for (const bad of ['', null, undefined, 'soon', {}, Number.NaN]) {
      expect(parseDate(bad)).toBeUndefined();
    }
  });

  it('reads ISO text without Date.parse exactly as Date.parse reads it', () => {
    // What parseDate answered for such text before it read the common shapes itself.
    const viaDateParse = (value: string) => {
      const text = value.trim();
      const zoneless = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/.test(text);
      const parsed = Date.parse(zoneless ? `${text.replace(' ', 'T')}Z` : text);
      return Number.isNaN(parsed) ? undefined : parsed;
    };
    const two = (max: number) => fc.integer({ min: 0, max }).map((n) => String(n).padStart(2, '0'));
    const iso = fc
      .record({
        year: fc.integer({ min: 0, max: 9999 }).map((n) => String(n).padStart(4, '0')),
        month: two(14),
        day: two(33),
        hour: two(25),
        minute: two(61),
        second: two(61),
        fraction: fc.constantFrom('', '.000', '.5', '.25', '.999', '.1234', '.', '.12a'),
        separator: fc.constantFrom('T', 'T', 'T', ' ', 't', 'x'),
        zone: fc.constantFrom('Z', 'Z', '', 'z', '+00:00', '+02:00'),
      })
      .map(
        (p) =>
          `${p.year}-${p.month}-${p.day}${p.separator}${p.hour}:${p.minute}:${p.second}${p.fraction}${p.zone}`,
      );
    const mutated = fc
      .tuple(iso, fc.nat(30), fc.constantFrom('-', ':', '.', 'T', 'Z', '9', 'a', ' ', ''))
      .map(([text, at, c]) => text.slice(0, at) + c + text.slice(at + 1));
    fc.assert(
      fc.property(fc.oneof(iso, mutated), (text) => {
        expect(parseDate(text)).toBe(viaDateParse(text));
        expect(parseDate(text, 'iso')).toBe(viaDateParse(text));
      }),
      { numRuns: 50_000 },
    );
    for (const text of [
      '2024-02-29T23:59:59.999Z',
      '2023-02-29T00:00:00Z',
      '0099-12-31T00:00:00Z',
    ]) {
      expect(parseDate(text)).toBe(viaDateParse(text));
    }
  });
});
