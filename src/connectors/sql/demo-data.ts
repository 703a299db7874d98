/**
 * Deterministic demo records for the embedded database: realistic and deliberately messy
 * (phones in many formats, blank and duplicated emails, shared timestamps, agents without
 * an email, ticket states outside Talkdesk's vocabulary) so that every rule of the bridge
 * has something to do.
 */

export interface NewContact {
  name: string | null;
  title: string | null;
  company: string | null;
  emails: string[];
  phones: string[];
  websites: string[];
  customFields: { key: string; value: string }[];
  photoUrl: string | null;
  address: string | null;
  twitter: string | null;
  updatedAt: number;
}

export interface NewUser {
  name: string | null;
  email: string | null;
}

export interface NewInteraction {
  type: string;
  subject: string;
  description: string;
  priority: string | null;
  status: string | null;
  occurredAt: number;
}

const FIRST = [
  'Jane',
  'John',
  'Maria',
  'Ahmed',
  'Li',
  'Sofia',
  'Lucas',
  'Emma',
  'Noah',
  'Olivia',
  'Mateo',
  'Chloe',
  'Ravi',
  'Aiko',
  'Kwame',
  'Ines',
  'Pedro',
  'Hannah',
  'Yusuf',
  'Elena',
  'Tomás',
  'Zoe',
];
const LAST = [
  'Doe',
  'Smith',
  'Garcia',
  'Khan',
  'Chen',
  'Rossi',
  'Silva',
  'Müller',
  'Johnson',
  'Brown',
  'Nakamura',
  'Okafor',
  'Costa',
  'Martin',
  'Dubois',
  'Novak',
  "O'Brien",
  'Kowalski',
  'Patel',
];
const COMPANIES = [
  'Example Corp.',
  'Acme Inc.',
  'Globex',
  'Initech',
  'Umbrella Health',
  'Stark Logistics',
  'Wayne Retail',
  'Hooli',
  'Soylent Foods',
  'Tyrell Systems',
  '',
];
const TITLES = ['CTO', 'Head of Support', 'Buyer', 'Office Manager', 'Engineer', 'CEO', '', null];
const CITIES = [
  '37, Famous St., New York, US',
  '12 Baker Street, London, UK',
  'Rua Augusta 100, Lisboa, PT',
  '500 Market St, San Francisco, US',
  null,
];
const TIERS = ['Gold', 'Silver', 'Bronze'];
const AREAS = ['212', '415', '617', '312', '206', '303', '512'];

function pick<T>(rng: () => number, items: readonly T[]): T {
  return items[Math.floor(rng() * items.length)];
}

function digits(rng: () => number, count: number): string {
  let out = '';
  for (let i = 0; i < count; i++) out += Math.floor(rng() * 10).toString();
  return out;
}

/** One phone number written the way people write them. */
function messyPhone(rng: () => number): string {
  const area = pick(rng, AREAS);
  const exchange = `${2 + Math.floor(rng() * 7)}${digits(rng, 2)}`;
  const line = digits(rng, 4);
  switch (Math.floor(rng() * 9)) {
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
      return `+44 20 7946 0${digits(rng, 3)}`;
    case 6:
      return `+351 21 ${digits(rng, 3)} ${digits(rng, 4)}`;
    case 7:
      return `${area}-${exchange}-${line} ext. ${digits(rng, 2)}`;
    default:
      return `ext ${digits(rng, 3)}`; // unparseable: must be kept as given
  }
}

function slug(text: string): string {
  return text
    .normalize('NFD')
    .replace(/[^A-Za-z]/g, '')
    .toLowerCase();
}

/** The index-th demo contact; `updatedAt` is chosen by the caller. */
export function demoContact(rng: () => number, index: number, updatedAt: number): NewContact {
  const first = pick(rng, FIRST);
  const last = pick(rng, LAST);
  const company = pick(rng, COMPANIES);
  const domain = company ? `${slug(company) || 'example'}.example.com` : 'mail.example.com';
  const email = `${slug(first)}.${slug(last)}${index}@${domain}`;
  const emails = [email];
  if (rng() < 0.15) emails.push(email.toUpperCase()); // the same address twice
  if (rng() < 0.1) emails.push('');
  if (rng() < 0.2) emails.push(`${slug(first)}${index}@personal.example.org`);
  const phones: string[] = [];
  const phoneCount = Math.floor(rng() * 3);
  for (let i = 0; i < phoneCount; i++) phones.push(messyPhone(rng));
  if (phones.length > 0 && rng() < 0.1) phones.push(phones[0].replace(/\D/g, '')); // duplicate
  if (rng() < 0.05) phones.push('   ');
  return {
    name: rng() < 0.01 ? null : `${first} ${last}`,
    title: pick(rng, TITLES),
    company: company || null,
    emails,
    phones,
    websites: company ? [`www.${domain}`] : [],
    customFields: rng() < 0.5 ? [{ key: 'Tier', value: pick(rng, TIERS) }] : [],
    photoUrl: rng() < 0.3 ? `https://images.example.com/people/${index}.jpg` : null,
    address: pick(rng, CITIES),
    twitter: rng() < 0.2 ? `${slug(first)}_${slug(last)}${index}` : null,
    updatedAt,
  };
}

/**
 * Timestamps for `count` contacts from `start`, ascending: mostly a few seconds apart, with
 * clusters sharing one timestamp, one of them larger than a default page (250).
 */
export function demoTimestamps(rng: () => number, count: number, start: number): number[] {
  const out: number[] = [];
  let t = start;
  let i = 0;
  while (i < count) {
    const roll = rng();
    let group = 1;
    if (i === 400) group = 300;
    else if (roll < 0.05) group = 2 + Math.floor(rng() * 30);
    for (let k = 0; k < group && i < count; k++, i++) out.push(t);
    t += 1000 + Math.floor(rng() * 60_000);
  }
  return out;
}

export function demoUsers(rng: () => number, count: number): NewUser[] {
  const users: NewUser[] = [];
  for (let i = 0; i < count; i++) {
    const first = pick(rng, FIRST);
    const last = pick(rng, LAST);
    let email: string | null = `${slug(first)}.${slug(last)}.${i}@agents.example.com`;
    if (i % 13 === 5) email = null;
    else if (i % 13 === 9) email = '  ';
    else if (i % 17 === 3) email = 'not-an-email';
    else if (i % 7 === 2) email = `  ${email.toUpperCase()} `;
    users.push({ name: i % 11 === 4 ? '' : `${first} ${last}`, email });
  }
  return users;
}

const SUBJECTS: Record<string, string[]> = {
  ticket: ['Cannot log in', 'Invoice is wrong', 'Delivery delayed', 'Feature request', 'Refund'],
  note: ['Prefers email', 'VIP customer', 'Renewal due next month', 'Asked for a callback'],
  call: ['Inbound call', 'Outbound call', 'Missed call', 'Voicemail'],
};
const PRIORITIES = ['low', 'Normal', 'HIGH', 'urgent', 'medium', 'P1', 'critical', null];
const STATUSES = [
  'new',
  'Open',
  'pending',
  'solved',
  'closed',
  'In Progress',
  'resolved',
  'on-hold',
  null,
];

export function demoInteractions(rng: () => number, count: number, now: number): NewInteraction[] {
  const out: NewInteraction[] = [];
  for (let i = 0; i < count; i++) {
    const type = pick(rng, ['ticket', 'ticket', 'note', 'call']);
    out.push({
      type,
      subject: pick(rng, SUBJECTS[type]),
      description: `${pick(rng, SUBJECTS[type])}. Logged by the demo seed.`,
      priority: type === 'ticket' ? pick(rng, PRIORITIES) : null,
      status: type === 'ticket' ? pick(rng, STATUSES) : type === 'call' ? 'closed' : null,
      occurredAt: now - Math.floor(rng() * 90 * 24 * 3600 * 1000),
    });
  }
  return out;
}
