import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { loadSqlManifest, parseSqlManifest, SqlManifestError } from './load-sql-manifest';

const EXAMPLES = join(__dirname, '../../../../connectors/sql');

const minimal = `
version: 1
name: shop
credentials:
  type: table
  table: users
  identity: { column: email }
  secret: { column: password_hash, algorithm: bcrypt }
  tenant_column: shop_id
contacts:
  table: customers
  tenant_column: shop_id
  id: { column: id }
  updated_at: { column: updated_at, type: epoch_ms }
  fields: { name: full_name }
`;

function mistakesOf(text: string): string[] {
  try {
    parseSqlManifest(text, 'broken.yaml');
  } catch (error) {
    expect(error).toBeInstanceOf(SqlManifestError);
    return (error as Error).message
      .split('\n')
      .slice(1)
      .map((line) => line.replace(/^ {2}- /, ''));
  }
  throw new Error('the manifest was accepted');
}

describe('SQL manifests', () => {
  it.each(readdirSync(EXAMPLES).filter((f) => /\.ya?ml$/.test(f)))(
    'the example %s loads',
    (file) => {
      const manifest = loadSqlManifest(join(EXAMPLES, file));
      expect(manifest.name.length).toBeGreaterThan(0);
    },
  );

  it('fills the defaults the schema declares, and derives the rest', () => {
    const m = parseSqlManifest(minimal, 'shop.yaml');
    expect(m.contacts.id).toEqual({ column: 'id', type: 'integer' });
    expect(m.contacts.where).toEqual([]);
    expect(m.actions).toEqual([]);
    expect(m.limits.expression_timeout_ms).toBe(250);
    // No actions: read-only unless said otherwise.
    expect(m.readOnly).toBe(true);
    expect(m.credentials.type === 'table' && m.credentials.identity?.normalize).toBe('lower');
    expect(m.authenticationFields.map((f) => f.field_name)).toEqual(['username', 'password']);
  });

  it('reports every mistake with its path', () => {
    const mistakes = mistakesOf(`
version: 2
name: Shop
connection: { read_only: true, pool: 3 }
credentials:
  type: table
  table: "users; drop table users"
  secret: { column: hash, algorithm: md5 }
contacts:
  table: customers
  query: select * from customers
  id: { column: id, type: bigint }
  updated_at: { column: changed, type: text }
  where:
    - { column: deleted, equals: 1, is_null: true }
  fields:
    name: { template: '{{ auth.password }}' }
    nickname: nick
actions:
  - name: note
    display: Note
    description: Adds a note.
    insert: { table: notes, values: { body: data.text }, returning: id }
`);
    expect(mistakes).toEqual(
      expect.arrayContaining([
        'version: Invalid input: expected 1',
        expect.stringMatching(/^name: /),
        'connection.pool: unknown key',
        expect.stringMatching(/^credentials\.table: must be a table or column name/),
        expect.stringMatching(/^credentials\.secret\.algorithm: /),
        expect.stringMatching(/^contacts\.id\.type: /),
        'contacts.fields.nickname: unknown key',
      ]),
    );
  });

  it('checks the rules across keys once the shapes are right', () => {
    const mistakes = mistakesOf(`
version: 1
name: shop
connection: { read_only: true }
credentials:
  type: table
  table: users
  secret: { column: hash, algorithm: bcrypt }
contacts:
  table: customers
  query: select * from customers
  tenant_column: shop_id
  id: { column: id }
  updated_at: { column: changed, type: text }
  where:
    - { column: deleted, equals: 1, is_null: true }
  fields: { name: full_name }
actions:
  - name: note
    display: Note
    description: Adds a note.
    insert: { table: notes, values: { body: data.text }, now: { at: 'soon' }, returning: id }
  - name: note
    display: Note
    description: Adds a note.
`);
    expect(mistakes).toEqual([
      'credentials.identity: is required unless secret.algorithm is sha256 (a table of API keys, looked up by hash)',
      'contacts: give `table` or `query`, exactly one',
      'contacts.where[0]: give exactly one of equals, not_equals, in, is_null',
      'contacts.updated_at.format: type text needs a pattern such as YYYY-MM-DD HH:mm:ss',
      'actions[0].insert.now.at: "soon" is not a date format',
      'actions[1].name: "note" is used twice',
      'actions[1]: give `insert` or `update`, exactly one',
      'connection.read_only: cannot be true with actions, which write',
      'contacts.tenant_column: needs credentials.tenant_column, which yields the tenant key',
    ]);
  });

  it('compiles every value with the shared vocabulary, naming what a template or expression may not do', () => {
    const text = minimal.replace(
      'fields: { name: full_name }',
      `fields:
    name: { template: '{{ auth.password }}' }
    title: { template: x, path: y }
    company: { expression: '$eval("1")' }
    phones: [A, { path: B, map: { x: y } }]`,
    );
    expect(mistakesOf(text)).toEqual([
      'contacts.fields.name.template: "{{ auth.password }}" in "{{ auth.password }}" must start with one of: record, settings',
      'contacts.fields.title: give only one of path, template',
      'contacts.fields.company.expression: $eval is not allowed in expressions ("$eval("1")")',
    ]);
  });

  it('checks lookup tables, agents’ keyset paging, input patterns and the rows written after an action', () => {
    const text = `${minimal}
agents:
  table: agents
  id: { column: uid, type: text }
  paging: keyset
  fields: { name: name }
interactions:
  lookup:
    tables:
      - { holds: email, contact_column: customer_id, value_column: value }
  streams:
    - table: notes
      types: [note, call]
      contact_column: customer_id
      id: id
      date: { column: at, type: epoch_ms }
actions:
  - name: note
    display: Note
    description: Adds a note.
    inputs:
      - { key: minutes, name: Minutes, pattern: '^(\\d+)+$' }
      - { key: code, name: Code, pattern: '[' }
    insert:
      table: notes
      values: { body: data.body }
      returning: id
    then_insert:
      - table: note_tags
        values: { note_id: id }
        unless_null: [tag]
`;
    expect(mistakesOf(text)).toEqual([
      'agents.paging: keyset needs integer ids (agents.id.type: integer)',
      'interactions.lookup.tables[0]: give `table` or `query`, exactly one',
      'interactions.streams[0].fields.type: is required when the stream yields several types (or give type_column)',
      'actions[0].inputs[0].pattern: nests quantifiers, which can take exponential time',
      expect.stringMatching(/^actions\[0\]\.inputs\[1\]\.pattern: not a regular expression/),
      'actions[0].then_insert[0].unless_null: "tag" is not one of its values',
    ]);
  });

  it('points into a list field at the item that is wrong', () => {
    expect(
      mistakesOf(minimal.replace('fields: { name: full_name }', 'fields: { phones: [A, 3] }')),
    ).toEqual(['contacts.fields.phones[1]: Invalid input (got number)']);
  });

  it('takes a composite key, and checks its columns against the streams that name a contact', () => {
    const composite = minimal.replace(
      'id: { column: id }',
      'id: [{ column: company, type: text }, { column: number }]',
    );
    expect(parseSqlManifest(composite, 'shop.yaml').contacts.id).toEqual([
      { column: 'company', type: 'text' },
      { column: 'number', type: 'integer' },
    ]);
    const streams = (contactColumn: string) => `${composite}
interactions:
  streams:
    - { table: calls, types: [call], contact_column: ${contactColumn}, id: id, date: { column: at, type: epoch_ms } }
`;
    expect(() => parseSqlManifest(streams('[company, number]'), 'shop.yaml')).not.toThrow();
    expect(mistakesOf(streams('customer_id'))).toEqual([
      "interactions.streams[0].contact_column: the contacts' key has 2 column(s), this names 1",
    ]);
    expect(
      mistakesOf(
        minimal.replace('id: { column: id }', 'id: [{ column: company }, { column: company }]'),
      ),
    ).toEqual(['contacts.id[1].column: "company" is used twice']);
  });

  it('refuses a query that is not a SELECT', () => {
    expect(mistakesOf(minimal.replace('table: customers', 'query: delete from customers'))).toEqual(
      ['contacts.query: must be a SELECT (or WITH ... SELECT)'],
    );
  });

  it('names a file that cannot be read, and YAML that does not parse', () => {
    expect(() => loadSqlManifest('/nowhere/shop.yaml')).toThrow(/cannot be read: ENOENT/);
    expect(() => parseSqlManifest('a: [', 'shop.yaml')).toThrow(/is not valid YAML/);
    expect(() => parseSqlManifest('{', 'shop.json')).toThrow(/is not JSON/);
  });
});
