/**
 * A large seeded corpus of contacts with everything the normalizer has to deal with: messy and
 * duplicate phones, emails differing only in case, blank and padded values, every optional field,
 * custom fields of every JSON type, text that JSON must escape, and clusters of contacts sharing
 * one update time. The same seed gives the same corpus on every machine.
 */
import { seededRandom } from '../../src/common/seeded-random';
import { NewContact } from '../../src/connectors/sql/demo-data';
import { samplePhone } from './phone-samples';

const pick = <T>(rng: () => number, items: readonly T[]): T =>
  items[Math.floor(rng() * items.length)];

const FIRST = ['Ada', 'Grace', 'José', 'Zoë', 'Ólafur', 'Nguyễn', '李', 'Mary-Jane', "D'Arcy", ''];
const LAST = ['Lovelace', 'Hopper', 'Müller', "O'Brien", 'Smith', '王', 'van der Berg', ' Khan '];
/** Text JSON has to escape or that looks like markup: quotes, backslashes, controls, separators. */
const AWKWARD = [
  'Quote " inside',
  'Back\\slash',
  'Tab\tand\nnewline',
  'Line\u2028separator',
  '</script><b>bold</b>',
  'Emoji 📞☎️',
  'Bell\u0007char',
  'Escape\u001bchar',
  '  padded  ',
  '   ',
  'Ünïcödé ñ',
  '\u00a0non-breaking\u00a0',
];
const TITLES = ['CTO', 'Head of Support', '', '  ', null, 'Buyer', 'Ingénieur'];
const COMPANIES = ['Acme Inc.', 'Globex', '', null, 'Umbrella "Health"', 'Soylent & Co'];

function email(rng: () => number, i: number): string {
  const base = `person.${i}@example.com`;
  switch (Math.floor(rng() * 8)) {
    case 0:
      return base.toUpperCase();
    case 1:
      return ` ${base} `;
    case 2:
      return '';
    case 3:
      return `Person.${i}@Example.COM`;
    default:
      return rng() < 0.5 ? base : `other.${i % 97}@example.org`;
  }
}

function customValue(rng: () => number): unknown {
  switch (Math.floor(rng() * 9)) {
    case 0:
      return Math.floor(rng() * 1000);
    case 1:
      return rng() < 0.5;
    case 2:
      return null;
    case 3:
      return { level: pick(rng, ['Gold', 'Silver']), since: 2020 + Math.floor(rng() * 6) };
    case 4:
      return ['a', 1, null];
    case 5:
      return pick(rng, AWKWARD);
    case 6:
      return 1.5e21;
    default:
      return pick(rng, ['Gold', 'Silver', 'Bronze', '']);
  }
}

/** `count` contacts, in the order they are to be inserted; timestamps ascending with clusters. */
export function contactCorpus(count: number, seed = 11): NewContact[] {
  const rng = seededRandom(seed);
  const out: NewContact[] = [];
  let t = Date.UTC(2025, 0, 1);
  for (let i = 0; i < count; i++) {
    // Clusters sharing one instant, some larger than a page.
    if (rng() < 0.9 || (i > 700 && i < 1400)) t += rng() < 0.5 ? 0 : 1 + Math.floor(rng() * 5000);
    const phones: string[] = [];
    const phoneCount = Math.floor(rng() * 4);
    for (let p = 0; p < phoneCount; p++) phones.push(samplePhone(rng));
    if (phones.length > 0 && rng() < 0.2) phones.push(phones[0].replace(/\D/g, ''));
    if (phones.length > 0 && rng() < 0.1) phones.push(` ${phones[0]} `);
    if (rng() < 0.05) phones.push('   ');
    const emails: string[] = [];
    const emailCount = Math.floor(rng() * 4);
    for (let e = 0; e < emailCount; e++) emails.push(email(rng, i));
    const websites: string[] = [];
    if (rng() < 0.4) websites.push(`www.site${i % 50}.example`);
    if (rng() < 0.1) websites.push(` www.site${i % 50}.example `, '');
    const customFields: { key: string; value: unknown }[] = [];
    const fieldCount = Math.floor(rng() * 4);
    for (let f = 0; f < fieldCount; f++) {
      customFields.push({
        key: pick(rng, ['Tier', ' Region ', '', 'Notes', 'Score']),
        value: customValue(rng),
      });
    }
    const roll = rng();
    const name =
      roll < 0.05
        ? null
        : roll < 0.1
          ? pick(rng, AWKWARD)
          : `${pick(rng, FIRST)} ${pick(rng, LAST)}`.trim() || null;
    out.push({
      name,
      title: rng() < 0.05 ? pick(rng, AWKWARD) : pick(rng, TITLES),
      company: rng() < 0.05 ? pick(rng, AWKWARD) : pick(rng, COMPANIES),
      emails,
      phones,
      websites,
      // The column holds JSON: an external system's custom values may be of any JSON type.
      customFields: customFields as NewContact['customFields'],
      photoUrl: rng() < 0.3 ? `https://images.example.com/p/${i}.jpg` : pick(rng, [null, '', ' ']),
      address:
        rng() < 0.5 ? pick(rng, ['1 Main St, Springfield', ' 12 Baker St ', '', null]) : null,
      twitter: rng() < 0.2 ? `handle_${i}` : pick(rng, [null, '', '@at_sign']),
      updatedAt: t,
    });
  }
  return out;
}
