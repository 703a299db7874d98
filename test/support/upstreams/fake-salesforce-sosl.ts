import { SObject, SoqlSchema } from './fake-salesforce-soql';

/**
 * SOSL as the Salesforce stand-in runs it (SOQL and SOSL Reference, "SOSL Syntax"): `FIND
 * {SearchQuery} [IN <group> FIELDS] RETURNING <sObject>[(fields [ORDER BY ...] [LIMIT n])], ...
 * [LIMIT n]`. The search query is terms and phrases joined by AND / OR; wildcards, grouping and
 * WHERE inside RETURNING are not served by the stand-in and are answered MALFORMED_SEARCH.
 */

export class SoslError extends Error {
  constructor(
    readonly errorCode: 'MALFORMED_SEARCH' | 'INVALID_TYPE' | 'INVALID_FIELD',
    message: string,
  ) {
    super(message);
  }
}

type SearchGroup = 'ALL' | 'NAME' | 'EMAIL' | 'PHONE';

interface Returning {
  sObject: string;
  fields: string[];
  order?: { field: string; desc: boolean };
  limit?: number;
}

export interface ParsedSosl {
  /** Each term (a word or a phrase, reserved characters unescaped) and how it joins the last. */
  terms: { text: string; join: 'AND' | 'OR' }[];
  group: SearchGroup;
  returning: Returning[];
  limit?: number;
}

/**
 * "FIND {SearchQuery}", Reserved Characters: `? & | ! { } [ ] ( ) ^ ~ * : \ " ' + -` must be
 * preceded by a backslash, "even if the SearchQuery is enclosed in double quotes"; an unescaped
 * one is an error. `"` (phrases) is the one the stand-in reads unescaped; `*`, `?` (wildcards)
 * and `( )` (grouping) have meanings it does not serve.
 */
const RESERVED = new Set('?&|!{}[]()^~*:\\"\'+-');

/** The text inside FIND's braces: up to the first `}` that no backslash escapes. */
function findBody(q: string): { body: string; rest: string } {
  const head = /^\s*FIND\s*\{/i.exec(q);
  if (!head) throw new SoslError('MALFORMED_SEARCH', 'search query must start with FIND {');
  for (let i = head[0].length; i < q.length; i++) {
    if (q[i] === '\\') i++;
    else if (q[i] === '}') return { body: q.slice(head[0].length, i), rest: q.slice(i + 1) };
  }
  throw new SoslError('MALFORMED_SEARCH', "line 1: mismatched character '<EOF>' expecting '}'");
}

function searchTerms(body: string): ParsedSosl['terms'] {
  const words: { text: string; phrase: boolean }[] = [];
  let i = 0;
  while (i < body.length) {
    if (/\s/.test(body[i])) {
      i++;
      continue;
    }
    const phrase = body[i] === '"';
    let text = '';
    if (phrase) i++;
    for (; i < body.length; i++) {
      const c = body[i];
      if (c === '\\' && i + 1 < body.length) text += body[++i];
      else if (phrase && c === '"') {
        i++;
        break;
      } else if (!phrase && /\s/.test(c)) break;
      else if (RESERVED.has(c)) {
        throw new SoslError(
          'MALFORMED_SEARCH',
          `line 1: reserved character '${c}' in the search query must be escaped`,
        );
      } else text += c;
    }
    words.push({ text, phrase });
  }
  const terms: ParsedSosl['terms'] = [];
  let join: 'AND' | 'OR' = 'AND';
  for (const w of words) {
    // "Operators": AND, OR, AND NOT are operators unless quoted.
    const op = w.phrase ? '' : w.text.toUpperCase();
    if (op === 'AND' || op === 'OR') join = op;
    else if (op === 'NOT')
      throw new SoslError('MALFORMED_SEARCH', 'AND NOT is not served by the stand-in');
    else {
      terms.push({ text: w.text, join });
      join = 'AND';
    }
  }
  if (terms.length === 0) throw new SoslError('MALFORMED_SEARCH', 'the search query is empty');
  return terms;
}

function returningList(text: string, schema: SoqlSchema): Returning[] {
  const out: Returning[] = [];
  const item = /\s*(\w+)\s*(?:\(([^()]*)\))?\s*(?:,|$)/gy;
  let m: RegExpExecArray | null;
  while (item.lastIndex < text.length && (m = item.exec(text))) {
    const [, sObject, inner] = m;
    const known = schema.fields[sObject];
    if (!known) throw new SoslError('INVALID_TYPE', `sObject type '${sObject}' is not supported.`);
    const clause =
      /^\s*([\w\s,.]*?)\s*(?:ORDER\s+BY\s+(\w+)(?:\s+(ASC|DESC))?)?\s*(?:LIMIT\s+(\d+))?\s*$/i.exec(
        inner ?? 'Id',
      );
    if (!clause) {
      throw new SoslError('MALFORMED_SEARCH', `RETURNING ${sObject}(${inner}) is not served`);
    }
    const fields = clause[1]
      .split(',')
      .map((f) => f.trim())
      .filter(Boolean);
    for (const f of [...fields, ...(clause[2] ? [clause[2]] : [])]) {
      if (!known.fields.includes(f)) {
        throw new SoslError('INVALID_FIELD', `No such column '${f}' on entity '${sObject}'.`);
      }
    }
    out.push({
      sObject,
      fields: fields.length ? fields : ['Id'],
      ...(clause[2] && { order: { field: clause[2], desc: /desc/i.test(clause[3] ?? '') } }),
      ...(clause[4] && { limit: Number(clause[4]) }),
    });
  }
  if (out.length === 0 || item.lastIndex < text.length) {
    throw new SoslError('MALFORMED_SEARCH', `RETURNING ${text} cannot be read`);
  }
  return out;
}

export function parseSosl(q: string, schema: SoqlSchema): ParsedSosl {
  const { body, rest } = findBody(q);
  const tail =
    /^\s*(?:IN\s+(ALL|NAME|EMAIL|PHONE)\s+FIELDS\s+)?RETURNING\s+(.+?)(?:\s+LIMIT\s+(\d+))?\s*$/is.exec(
      rest,
    );
  if (!tail) throw new SoslError('MALFORMED_SEARCH', `unexpected token after FIND: ${rest.trim()}`);
  return {
    terms: searchTerms(body),
    group: (tail[1]?.toUpperCase() ?? 'ALL') as SearchGroup,
    returning: returningList(tail[2], schema),
    ...(tail[3] && { limit: Number(tail[3]) }),
  };
}

/** Fields of each search group on the objects the stand-in holds (Object Reference: field types). */
const PHONE_FIELDS = new Set(['Phone', 'MobilePhone', 'HomePhone', 'OtherPhone', 'Fax']);
const EMAIL_FIELDS = new Set(['Email']);
const NAME_FIELDS = new Set(['Name', 'FirstName', 'LastName', 'Subject']);

const digits = (v: unknown) => (typeof v === 'string' ? v.replace(/\D/g, '') : '');
const words = (v: unknown) =>
  typeof v === 'string' ? v.toLowerCase().split(/[^\p{L}\p{N}@.']+/u) : [];

/**
 * Whether a term matches a field of a group. "FIND {SearchQuery}": text searches are
 * case-insensitive, and the search engine splits what a record holds at spaces and punctuation.
 * Phone fields are searched by their digits, whatever punctuation was typed (the SOAP API
 * Developer Guide's search() sample finds a contact with `find {4159017000} in phone fields`):
 * the stand-in matches when the term's digits are the field's digits.
 */
function termMatches(term: string, group: SearchGroup, field: string, value: unknown): boolean {
  if ((group === 'PHONE' || group === 'ALL') && PHONE_FIELDS.has(field)) {
    const wanted = digits(term);
    if (wanted.length > 0 && wanted === digits(value)) return true;
  }
  if ((group === 'EMAIL' || group === 'ALL') && EMAIL_FIELDS.has(field)) {
    if (typeof value === 'string' && value.toLowerCase() === term.toLowerCase()) return true;
  }
  if ((group === 'NAME' || group === 'ALL') && NAME_FIELDS.has(field)) {
    const have = words(value);
    const want = term.toLowerCase().split(/\s+/).filter(Boolean);
    if (want.length > 0 && want.every((w) => have.includes(w))) return true;
  }
  return false;
}

/** The records of one RETURNING object that the search finds, in its order and within its limits. */
export function searchRecords(
  sosl: ParsedSosl,
  returning: Returning,
  records: Iterable<SObject>,
): SObject[] {
  const hits = [...records].filter((r) => {
    if (r.IsDeleted === true) return false;
    let result = false;
    sosl.terms.forEach(({ text, join }, i) => {
      const hit = Object.entries(r).some(([f, v]) => termMatches(text, sosl.group, f, v));
      result = i === 0 ? hit : join === 'OR' ? result || hit : result && hit;
    });
    return result;
  });
  const order = returning.order;
  if (order) {
    hits.sort((a, b) => {
      const x = String(a[order.field] ?? '');
      const y = String(b[order.field] ?? '');
      return (x < y ? -1 : x > y ? 1 : 0) * (order.desc ? -1 : 1);
    });
  }
  return hits.slice(0, Math.min(returning.limit ?? 2000, sosl.limit ?? 2000));
}
