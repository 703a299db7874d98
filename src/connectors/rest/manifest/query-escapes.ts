/**
 * Escaping for the query languages a template may write a value into, so that a value from a
 * request (an email, a phone, an action's input) stays one literal whatever it holds. Each
 * escapes the text that goes between the quotes the manifest writes (`'{{ lookup.email | soql }}'`),
 * but for the search phrases, which write their own quotes.
 */

/**
 * SOQL string literal ("SOQL and SOSL Reference", Quoted String Escape Sequences): backslash,
 * both quotes and the control characters it names are backslash-escaped.
 */
export function soqlString(text: string): string {
  return text.replace(/[\\'"\n\r\t\b\f]/g, (c) => SOQL_ESCAPES[c]);
}

const SOQL_ESCAPES: Record<string, string> = {
  '\\': '\\\\',
  "'": "\\'",
  '"': '\\"',
  '\n': '\\n',
  '\r': '\\r',
  '\t': '\\t',
  '\b': '\\b',
  '\f': '\\f',
};

/** SOQL LIKE pattern: a SOQL string whose `%` and `_` wildcards are literal (`\%`, `\_`). */
export function soqlLike(text: string): string {
  return soqlString(text).replace(/[%_]/g, (c) => `\\${c}`);
}

/**
 * SOSL search text ("SOQL and SOSL Reference", FIND {SearchQuery}, Reserved Characters): `? & |
 * ! { } [ ] ( ) ^ ~ * : \ " ' + -` are reserved and must be backslash-escaped, even inside a
 * phrase; the value is then written as one double-quoted phrase, so that the words AND, OR and
 * AND NOT in it are searched for rather than read as operators, and a `}` cannot end the FIND
 * clause: `FIND { {{ lookup.phone_form | sosl }} } IN PHONE FIELDS`.
 */
export function soslPhrase(text: string): string {
  const escaped = text.replace(/[?&|!{}[\]()^~*:\\"'+-]/g, (c) => `\\${c}`);
  return `"${escaped.replace(/\s+/g, ' ').trim()}"`;
}

/**
 * OData string literal (OData v4 ABNF, `string` in URL conventions: SQUOTE-in-string is two
 * single quotes). The URL encoding of the query parameter is the request builder's.
 */
export function odataString(text: string): string {
  return text.replace(/'/g, "''");
}

/**
 * Lucene query syntax (Apache Lucene, "Escaping Special Characters"): `+ - && || ! ( ) { } [ ]
 * ^ " ~ * ? : \ /` and white space backslash-escaped, so the value is one term, quoted or not.
 */
export function luceneTerm(text: string): string {
  return text.replace(/[+\-&|!(){}[\]^"~*?:\\/\s]/g, (c) => `\\${c}`);
}

/**
 * Zendesk search (Support search reference): a double-quoted phrase, which the syntax gives no
 * way to escape a double quote in; quotes and backslashes are dropped from the value, which is
 * then one phrase whatever it holds (`:`, `-`, `*`, `type:` inside are plain text).
 */
export function zendeskPhrase(text: string): string {
  return `"${text.replace(/["\\]/g, ' ').trim()}"`;
}

/**
 * HubSpot CRM search's `query` text: HubSpot reads `*` as a wildcard and `"` as a phrase
 * delimiter; both are dropped, so the value is searched as the plain words it holds.
 */
export function hubspotQuery(text: string): string {
  return text.replace(/[*"]/g, ' ').trim();
}

/** Each escape by the name templates (`| soql`) and body expressions (`$soql(...)`) call it. */
export const QUERY_ESCAPES: Readonly<Record<string, (text: string) => string>> = {
  soql: soqlString,
  soql_like: soqlLike,
  sosl: soslPhrase,
  odata: odataString,
  lucene: luceneTerm,
  zendesk_search: zendeskPhrase,
  hubspot_search: hubspotQuery,
};
