import { parseQuery } from '@jetstreamapp/soql-parser-js';
import { Expression } from './expression';
import { EXPRESSION_ESCAPES, unescapedJoins } from './expression-escapes';
import { compileManifest, ManifestError } from './load-manifest';

const HOSTILE = "nobody@example.com' OR Email != 'x";

const manifest = (bodyExpression: string) => ({
  version: 1,
  name: 'demo',
  talkdesk: { authentication_fields: [{ field_name: 'api_key', display: 'API key' }] },
  connection: { base_url: 'https://api.example.com' },
  authentication: { type: 'api_key', in: 'header', name: 'x-api-key', value: '{{ auth.api_key }}' },
  actions: [
    {
      name: 'query',
      display: 'Query',
      description: 'Runs a query',
      request: { method: 'POST', path: '/query', body_expression: bodyExpression },
    },
  ],
});

const refusal = (bodyExpression: string): string => {
  try {
    compileManifest(manifest(bodyExpression), 'x.yaml');
  } catch (error) {
    expect(error).toBeInstanceOf(ManifestError);
    return (error as Error).message;
  }
  return 'accepted';
};

const WHERE = 'actions[0].request.body_expression';

describe('body expressions: request values joined into text must be escaped', () => {
  it('refuses a request value joined into text by &, $join, $replace or $string, naming the place', () => {
    const cases: [string, string][] = [
      [
        `{ "q": "SELECT Id FROM Contact WHERE Email = '" & data.email & "'" }`,
        `${WHERE}: data.email is joined into text by "&"`,
      ],
      [
        `{ "q": $join(["email:", $.data.email], "") }`,
        `${WHERE}: data.email is joined into text by $join`,
      ],
      [
        `{ "q": $replace("email:X", "X", meta.contact_external_id) }`,
        `meta.contact_external_id is joined into text by $replace`,
      ],
      [`{ "q": $string({ "email": data.email }) }`, `data.email is written inside text by $string`],
      // Through a variable, and through a chain of them.
      [`($e := data.email; $f := $e; { "q": "email:" & $f })`, `$f is joined into text by "&"`],
      // A value escaped for another place of the text does not excuse the raw one.
      [`{ "q": $soql(data.a) & data.b }`, `data.b is joined into text by "&"`],
    ];
    for (const [source, message] of cases) {
      const text = refusal(source);
      expect([source, text]).toEqual([source, expect.stringContaining(message)]);
      expect(text).toContain('$soql, $soql_like, $sosl, $odata');
    }
  });

  it('accepts escaped values, whole values, and text made of manifest values only', () => {
    for (const source of [
      `{ "q": "SELECT Id FROM Contact WHERE Email = '" & $soql(data.email) & "'" }`,
      `{ "q": "FIND { " & $sosl(data.phone) & " } IN PHONE FIELDS" }`,
      `{ "subject": data.subject, "to": { "id": meta.contact_external_id }, "at": $now() }`,
      `{ "note": data.notes ? data.notes : "" }`,
      `{ "key": "Bearer " & auth.api_key }`,
      `{ "q": "digits:" & $digits(data.phone) }`,
    ]) {
      expect([source, refusal(source)]).toEqual([source, 'accepted']);
    }
  });

  it('the escaping functions are bound when a body is built: a hostile email stays one literal', async () => {
    const expression = new Expression(
      `"SELECT Id FROM Contact WHERE Email = '" & $soql(data.email) & "'"`,
      1000,
    );
    expect(unescapedJoins(expression.ast(), new Set(['data']))).toEqual([]);
    const soql = (await expression.evaluate(
      { data: { email: HOSTILE } },
      EXPRESSION_ESCAPES,
    )) as string;
    const where = parseQuery(soql).where as { left: { value: string }; right?: unknown };
    expect(where.right).toBeUndefined();
    expect(where.left.value).toBe(`'${HOSTILE.replace(/'/g, "\\'")}'`);
    // A missing value stays missing.
    const missing = new Expression(`{ "q": $odata(data.nothing) }`, 1000);
    expect(await missing.evaluate({ data: {} }, EXPRESSION_ESCAPES)).toEqual({});
  });
});
