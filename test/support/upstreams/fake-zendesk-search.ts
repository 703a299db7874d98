import { ZendeskUser } from './fake-zendesk-data';

/**
 * The part of Zendesk's search syntax the users search understands (Search reference, "Search
 * syntax"; Users API, "Search Users"): `property:value` terms, a value in double quotes when it
 * holds spaces, a trailing `*` as a prefix wildcard, `-` in front to exclude, bare words matching
 * the name or the email. Phone numbers match on their digits, so `phone:2125551000` finds
 * `(212) 555-1000` but not `+12125551000` (whose digits carry the country code).
 */

export interface SearchTerm {
  key: string | null;
  value: string;
  negate: boolean;
}

/** Splits a query into terms; quotes delimit phrases, nothing escapes inside them. */
export function parseUserQuery(query: string): SearchTerm[] {
  const terms: SearchTerm[] = [];
  const re = /(-?)(?:([a-z_]+):)?(?:"([^"]*)"|(\S+))/gi;
  let m: RegExpExecArray | null;
  while ((m = re.exec(query))) {
    terms.push({ negate: m[1] === '-', key: m[2]?.toLowerCase() ?? null, value: m[3] ?? m[4] });
  }
  return terms;
}

const digits = (text: string) => text.replace(/\D/g, '');

function like(actual: string | null, wanted: string): boolean {
  if (actual === null) return false;
  const a = actual.toLowerCase();
  const w = wanted.toLowerCase();
  return w.endsWith('*') ? a.startsWith(w.slice(0, -1)) : a === w;
}

function termMatches(user: ZendeskUser, term: SearchTerm): boolean {
  switch (term.key) {
    case 'type':
      return term.value === 'user';
    case 'email':
      return like(user.email, term.value);
    case 'phone':
      return (
        user.phone !== null &&
        digits(term.value) !== '' &&
        digits(user.phone) === digits(term.value)
      );
    case 'name':
      return like(user.name, term.value);
    case 'role':
      return user.role === term.value;
    case 'tags':
      return user.tags.includes(term.value);
    case null:
      return (
        user.name.toLowerCase().includes(term.value.toLowerCase().replace(/\*$/, '')) ||
        like(user.email, term.value)
      );
    default:
      return false;
  }
}

export function userMatches(user: ZendeskUser, terms: SearchTerm[]): boolean {
  if (terms.length === 0) return false;
  return terms.every((t) => termMatches(user, t) !== t.negate);
}
