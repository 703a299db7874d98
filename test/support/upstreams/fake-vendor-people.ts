import { seededRandom } from '../../../src/common/seeded-random';

/**
 * The people the vendor stand-ins are seeded with: the same deterministic list for every vendor
 * (so specs can compare), with phones written the way users type them into a CRM — national
 * formats with parentheses, dots, dashes, spaces, a few with a country code, a few foreign — and
 * emails that a query language must escape (an apostrophe), in mixed case, or missing.
 */
export interface SeedPerson {
  firstName: string;
  lastName: string;
  email: string | null;
  secondEmail: string | null;
  /** As typed: `(212) 555-1000`, `212.555.1000`, `+1 212-555-1000`, `020 7946 0123`... */
  phone: string | null;
  mobile: string | null;
  company: string | null;
  jobTitle: string | null;
  /** The E.164 form of `phone` (what Talkdesk sends for the same line). */
  phoneE164: string | null;
}

const FIRST = ['Ada', 'Grace', 'Alan', 'Edsger', 'Barbara', 'Donald', 'Frances', 'Ken', 'Radia'];
const LAST = ["O'Brien", 'Hopper', 'Turing', 'Dijkstra', 'Liskov', 'Knuth', 'Allen', 'Thompson'];
const COMPANIES = ['Initech', 'Globex', 'Umbrella', 'Hooli', null, null];

/** A US number written in one of the ways people type it, and its E.164 form. */
function usPhone(n: number, style: number): { typed: string; e164: string } {
  const area = 200 + (n % 700);
  const line = String(1000 + (n % 9000)).padStart(4, '0');
  const exchange = 555;
  const e164 = `+1${area}${exchange}${line}`;
  const typed = [
    `(${area}) ${exchange}-${line}`,
    `${area}-${exchange}-${line}`,
    `${area}.${exchange}.${line}`,
    `+1 ${area}-${exchange}-${line}`,
    `${area}${exchange}${line}`,
    `+1 (${area}) ${exchange} ${line}`,
  ][style % 6];
  return { typed, e164 };
}

/** A UK London number as typed nationally, and its E.164 form. */
function ukPhone(n: number): { typed: string; e164: string } {
  const line = String(n % 10000).padStart(4, '0');
  return { typed: `020 7946 ${line}`, e164: `+44207946${line}` };
}

export function seedPeople(count: number, seed: number, domain: string): SeedPerson[] {
  const random = seededRandom(seed);
  const people: SeedPerson[] = [];
  for (let i = 0; i < count; i++) {
    const first = FIRST[Math.floor(random() * FIRST.length)];
    const last = LAST[Math.floor(random() * LAST.length)];
    const local = `${first}.${last}${i}`.toLowerCase().replace(/[^a-z0-9.']/g, '');
    const email =
      i % 17 === 9 ? null : i % 5 === 2 ? `${first}.${last}${i}@${domain}` : `${local}@${domain}`;
    const phone = i % 13 === 6 ? null : i % 23 === 4 ? ukPhone(i) : usPhone(i, i);
    people.push({
      firstName: first,
      lastName: last,
      email,
      secondEmail: i % 7 === 0 ? `${local}.home@mail.example` : null,
      phone: phone?.typed ?? null,
      mobile: i % 4 === 1 ? usPhone(i + 5000, i + 1).typed : null,
      company: COMPANIES[i % COMPANIES.length],
      jobTitle: i % 3 === 0 ? 'Buyer' : null,
      phoneE164: phone?.e164 ?? null,
    });
  }
  return people;
}
