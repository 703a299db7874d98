/**
 * Phone numbers as people and external systems write them, for the tests that pin what the
 * bridge makes of them: a fixed list of tricky cases, and a seeded generator of many more in the
 * same spirit (every calling code, national and international forms, extensions, impossible
 * lengths, text that is no number).
 */
import { getCountries, getCountryCallingCode } from 'libphonenumber-js';

/** Cases chosen one by one: each is there for a rule of parsing or of possible lengths. */
export const TRICKY_PHONES: readonly string[] = [
  // National and international forms of one US number.
  '(212) 555-0134',
  '212.555.0134',
  '212-555-0134',
  '2125550134',
  ' 2125550134 ',
  '1-212-555-0134',
  '1 (212) 555-0134',
  '+1 212 555 0134',
  '+12125550134',
  '001 212 555 0134',
  '011 44 20 7946 0958',
  '+1 (212) 555-0134 ext. 12',
  '212-555-0134 x 99',
  '212-555-0134 #7',
  '212-555-0134;ext=8',
  'tel:+1-212-555-0134',
  'tel:+1-212-555-0134;ext=5',
  '1-800-FLOWERS',
  '+1 800 356 9377',
  // The United Kingdom's trunk prefix written after the country code.
  '+44 (0)20 7946 0958',
  '+44 (0) 20 7946 0958',
  '+44 020 7946 0958',
  '+440207946 0958',
  '020 7946 0958',
  '+44 7700 900123',
  '+44 1481 256789',
  '+44 1624 456789',
  '+44 1534 456789',
  '+44 20 7946',
  // NANP territories and countries sharing +1, and area codes that are no one's.
  '+1 787 555 0134',
  '+1 939 555 0134',
  '+1 671 555 0134',
  '+1 684 555 0134',
  '+1 340 555 0134',
  '+1 345 555 0134',
  '+1 441 555 0134',
  '+1 876 555 0134',
  '+1 242 555 0134',
  '+1 809 555 0134',
  '+1 829 555 0134',
  '+1 868 555 0134',
  '+1 721 555 0134',
  '+1 416 555 0134',
  '+1 604 555 0134',
  '+1 310 1234',
  '310-1234',
  '555-0134',
  '+1 555 555 0134',
  '+1 055 555 0134',
  '+1 212 555 01345',
  '+1 212 555 013',
  // Calling codes shared by several countries, and non-geographic ones.
  '+599 9 123 4567',
  '+599 7 123 456',
  '+599 318 1234',
  '+599 9 12345',
  '+7 495 123 4567',
  '+7 701 123 4567',
  '+39 06 6982 1234',
  '+39 06 698 8',
  '+262 262 12 34 56',
  '+262 269 61 23 45',
  '+590 590 12 34 56',
  '+61 2 9876 5432',
  '+61 8 9162 1234',
  '+290 2 2345',
  '+290 8 1234',
  '+47 22 12 34 56',
  '+358 18 12345',
  '+212 5 22 12 34 56',
  '+800 1234 5678',
  '+882 1234 5678',
  '+979 1234 5678',
  // Other countries, leading zeros and prefixes.
  '+351 21 123 4567',
  '+49 (0) 30 1234567',
  '+49 30 12345678901',
  '+33 1 23 45 67 89',
  '+33 (0)1 23 45 67 89',
  '+55 11 91234 5678',
  '+91 98765 43210',
  '+86 10 1234 5678',
  '+81 3-1234-5678',
  '+358 40 123 4567',
  '+353 1 234 5678',
  // Unknown calling codes, impossible lengths, and text that is no number.
  '+999 123 4567',
  '+0 123 456 789',
  '+1',
  '+',
  '++1 212 555 0134',
  '12',
  '123456',
  '1234567890123456789',
  '+1234567890123456789',
  'ext 123',
  'ext. 12-3',
  'n/a',
  'call me',
  '—',
  'phone: 212 555 0134',
  '212 555 0134 (mobile)',
  '２１２ ５５５ ０１３４',
  '+١ ٢١٢ ٥٥٥ ٠١٣٤',
  '(212) 555-0134 / (212) 555-0199',
  '0',
  '00',
  '+00 1 212 555 0134',
];

/** Regions the bridge may be configured with (DEFAULT_PHONE_REGION), NANP and not. */
export const SAMPLE_REGIONS: readonly string[] = ['US', 'CA', 'PR', 'GB', 'DE', 'CW', 'BR', 'AU'];

const pick = <T>(rng: () => number, items: readonly T[]): T =>
  items[Math.floor(rng() * items.length)];

const digits = (rng: () => number, count: number): string => {
  let out = '';
  for (let i = 0; i < count; i++) out += String(Math.floor(rng() * 10));
  return out;
};

/** Digits grouped the way people group them, with one of a few separators. */
function grouped(rng: () => number, text: string): string {
  const separator = pick(rng, [' ', '-', '.', '', ' ']);
  let out = '';
  let i = 0;
  while (i < text.length) {
    const size = 2 + Math.floor(rng() * 3);
    out += (out ? separator : '') + text.slice(i, i + size);
    i += size;
  }
  return out;
}

const CALLING_CODES = [...new Set(getCountries().map((c) => getCountryCallingCode(c)))];
const NANP_AREAS = [
  '212', '415', '617', '312', '206', '303', '512', '787', '939', '671', '684', '340', '345',
  '441', '876', '658', '242', '246', '264', '268', '284', '473', '649', '664', '670', '721',
  '758', '767', '784', '809', '829', '849', '868', '869', '416', '604', '514', '310', '555',
  '800', '888', '900', '011', '123', '911',
]; // prettier-ignore

/** One phone number written some way: NANP-heavy, as contact data in the bridge's home region is. */
export function samplePhone(rng: () => number): string {
  const roll = rng();
  if (roll < 0.45) {
    const area = pick(rng, NANP_AREAS);
    const exchange = `${Math.floor(rng() * 10)}${digits(rng, 2)}`;
    const line = digits(rng, rng() < 0.95 ? 4 : Math.floor(rng() * 7));
    switch (Math.floor(rng() * 8)) {
      case 0:
        return `(${area}) ${exchange}-${line}`;
      case 1:
        return `${area}.${exchange}.${line}`;
      case 2:
        return `+1 ${area} ${exchange} ${line}`;
      case 3:
        return `1-${area}-${exchange}-${line}`;
      case 4:
        return ` ${area}${exchange}${line} `;
      case 5:
        return `${exchange}-${line}`;
      case 6:
        return `+1${area}${exchange}${line}${pick(rng, [' ext. 12', ' x3', '#45', ';ext=9'])}`;
      default:
        return `${area}-${exchange}-${line}`;
    }
  }
  if (roll < 0.85) {
    const code = pick(rng, CALLING_CODES);
    const national = digits(rng, 4 + Math.floor(rng() * 9));
    const trunk = rng() < 0.2 ? pick(rng, ['(0)', '0', '(0) ', '8 ']) : '';
    const prefix = pick(rng, ['+', '+', '+', '00', '011 ', '+ ']);
    return `${prefix}${code} ${trunk}${grouped(rng, national)}`;
  }
  if (roll < 0.95) return pick(rng, TRICKY_PHONES);
  return pick(rng, ['ext ', 'n/a ', '', 'tel. ', '#']) + digits(rng, Math.floor(rng() * 5));
}
