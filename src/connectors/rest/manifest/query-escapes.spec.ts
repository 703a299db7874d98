import { parseQuery, WhereClause } from '@jetstreamapp/soql-parser-js';
import { defaultParser } from '@odata/parser';
import { compileManifest, ManifestError } from './load-manifest';
import { Template } from './template';

const HOSTILE = "nobody@example.com' OR Email != 'x";
const APOSTROPHE = "sean.o'brien@example.ie";

const render = (source: string, email: string) =>
  new Template(source, ['lookup']).render({ lookup: { email } }).text;

type Where = { left?: { field?: string; value?: string }; operator?: string; right?: Where };

/** The conditions of a parsed SOQL WHERE clause and the operators between them, in order. */
function conditions(where: WhereClause | undefined): unknown[] {
  const out: unknown[] = [];
  for (let w = where as Where | undefined; w; w = w.right) {
    out.push({ field: w.left?.field, value: w.left?.value });
    if (w.operator) out.push(w.operator);
  }
  return out;
}

describe('escaping filters for query languages', () => {
  it('soql: a hostile email stays one string literal, an apostrophe works', () => {
    for (const email of [HOSTILE, APOSTROPHE, 'back\\slash"quote@example.com']) {
      const soql = render(
        "SELECT Id FROM Contact WHERE Email = '{{ lookup.email | soql }}'",
        email,
      );
      const query = parseQuery(soql);
      expect(conditions(query.where)).toEqual([
        { field: 'Email', value: `'${email.replace(/[\\'"]/g, (c) => `\\${c}`)}'` },
      ]);
    }
    // Without the filter, the same email adds a condition: what the filter prevents.
    const raw = parseQuery(
      render("SELECT Id FROM Contact WHERE Email = '{{ lookup.email }}'", HOSTILE),
    );
    expect(conditions(raw.where)).toHaveLength(3);
  });

  it('soql_like: wildcards of the value are literal', () => {
    expect(render("Phone LIKE '%{{ lookup.email | soql_like }}'", "50%_o'k")).toBe(
      "Phone LIKE '%50\\%\\_o\\'k'",
    );
  });

  it('odata: a hostile email stays one string literal, an apostrophe works', () => {
    for (const email of [HOSTILE, APOSTROPHE]) {
      const filter = render("emailaddress1 eq '{{ lookup.email | odata }}'", email);
      const ast = defaultParser.filter(filter) as unknown as {
        type: string;
        value: { right: { type: string; raw: string } };
      };
      expect(ast.type).toBe('EqualsExpression');
      expect(ast.value.right.type).toBe('Literal');
      expect(ast.value.right.raw).toBe(`'${email.replace(/'/g, "''")}'`);
    }
  });

  it('sosl: the value is one phrase, every reserved character escaped, the braces kept', () => {
    const RESERVED = '?&|!{}[]()^~*:\\"\'+-';
    for (const value of ['(212) 555-1000', '} IN ALL FIELDS RETURNING User(Id, Email', 'a OR b']) {
      const sosl = render('FIND { {{ lookup.email | sosl }} } IN PHONE FIELDS', value);
      const inner = /^FIND \{ "(.*)" \} IN PHONE FIELDS$/s.exec(sosl)![1];
      // What is left once each backslash pair is removed holds no reserved character.
      const bare = inner.replace(/\\./g, '');
      expect([...bare].filter((c) => RESERVED.includes(c))).toEqual([]);
      expect(inner.replace(/\\(.)/g, '$1')).toBe(value);
    }
  });

  it('lucene, zendesk_search, hubspot_search: the value is one term or phrase', () => {
    expect(render('email:{{ lookup.email | lucene }}', 'a b:c*(d)')).toBe(
      'email:a\\ b\\:c\\*\\(d\\)',
    );
    expect(render('type:user email:{{ lookup.email | zendesk_search }}', 'x" type:ticket "y')).toBe(
      'type:user email:"x  type:ticket  y"',
    );
    expect(render('{{ lookup.email | hubspot_search }}', '"a*b"')).toBe('a b');
  });
});

const manifest = (request: object, authentication?: object) => ({
  version: 1,
  name: 'demo',
  talkdesk: { authentication_fields: [{ field_name: 'api_key', display: 'API key' }] },
  connection: { base_url: 'https://api.example.com' },
  authentication: authentication ?? {
    type: 'api_key',
    in: 'header',
    name: 'x-api-key',
    value: '{{ auth.api_key }}',
  },
  interactions: {
    types: ['ticket'],
    contact: { by_email: { request } },
    streams: [
      { request: { path: '/tickets' }, types: ['ticket'], fields: { id: 'id', date: 'at' } },
    ],
  },
});

const refusal = (document: unknown): string => {
  try {
    compileManifest(document, 'x.yaml');
  } catch (error) {
    expect(error).toBeInstanceOf(ManifestError);
    return (error as Error).message;
  }
  return 'accepted';
};

describe('the loader refuses a request value inside query text without its escape', () => {
  it('names the place of a value written into a query language unescaped', () => {
    expect(
      refusal(manifest({ path: '/search', query: { q: 'type:user email:{{ lookup.email }}' } })),
    ).toContain(
      'interactions.contact.by_email.request.query.q: {{ lookup.email }} places a value from the request inside other text',
    );
    expect(
      refusal(
        manifest({
          method: 'POST',
          path: '/query',
          body: { q: "SELECT Id FROM Contact WHERE Email = '{{ lookup.email | lower }}'" },
        }),
      ),
    ).toContain('interactions.contact.by_email.request.body.q: {{ lookup.email | lower }}');
    expect(refusal(manifest({ path: "/contacts(emailaddress1='{{ lookup.email }}')" }))).toContain(
      'request.path: {{ lookup.email }} places a value',
    );
  });

  it('accepts escaped values, whole values and whole path segments', () => {
    for (const request of [
      { path: '/search', query: { q: 'email:{{ lookup.email | zendesk_search }}' } },
      {
        path: '/q',
        query: { q: "SELECT Id FROM Contact WHERE Email = '{{ lookup.email | soql }}'" },
      },
      { path: '/contacts', query: { $filter: "emailaddress1 eq '{{ lookup.email | odata }}'" } },
      { path: '/search', query: { q: 'FIND { {{ lookup.phone | sosl }} } IN PHONE FIELDS' } },
      { path: '/contacts', query: { email: '{{ lookup.email }}' } },
      { path: '/contacts/{{ lookup.email }}/tickets' },
      { path: '/contacts', query: { phone: '+{{ lookup.phone | digits }}' } },
      { method: 'POST', path: '/search', body: { filters: [{ value: '{{ lookup.email }}' }] } },
    ]) {
      expect([request, refusal(manifest(request))]).toEqual([request, 'accepted']);
    }
  });

  it('refuses a template reading an auth field that is not declared, with its path', () => {
    const message = refusal(
      manifest(
        { path: '/contacts', query: { email: '{{ lookup.email }}' } },
        {
          type: 'api_key',
          in: 'header',
          name: 'x-api-key',
          value: '{{ auth.apikey }}',
        },
      ),
    );
    expect(message).toContain(
      'authentication.value: {{ auth.apikey }} reads auth.apikey, which is not an authentication field (declared: api_key)',
    );
  });
});
