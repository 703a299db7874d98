import Type from 'typebox';
import { compileManifest } from '../load-manifest';
import { LimitsSchema, MANIFEST_SCHEMA } from '../manifest.schema';
import { SessionAuthSchema } from './authentication';
import { byType, defaultOf, definition, described, toJsonSchema, variant } from './schema-builder';

describe('the manifest schema builder', () => {
  it('emits a definition once, each use a $ref carrying its own description', () => {
    const Part = definition('part', Type.Object({ a: Type.String() }, { description: 'A part.' }));
    const Root = Type.Object({
      one: Part,
      two: Type.Optional(described(Part, 'The second part.')),
      many: Type.Array(Part),
    });
    expect(toJsonSchema(Root, [Part], { $schema: 'x' })).toEqual({
      $schema: 'x',
      type: 'object',
      required: ['one', 'many'],
      properties: {
        one: { $ref: '#/definitions/part' },
        two: { $ref: '#/definitions/part', description: 'The second part.' },
        many: { type: 'array', items: { $ref: '#/definitions/part' } },
      },
      definitions: {
        part: {
          description: 'A part.',
          type: 'object',
          required: ['a'],
          properties: { a: { type: 'string' } },
        },
      },
    });
  });

  it('writes variants chosen by `type` as one object whose required keys depend on it', () => {
    const schema = byType(
      [variant('a', {}), variant('b', { x: Type.String(), y: Type.Optional(Type.String()) })],
      { description: 'd', typeDescription: 't' },
    ) as unknown as Record<string, unknown>;
    expect(schema).toMatchObject({
      type: 'object',
      required: ['type'],
      additionalProperties: false,
      properties: { type: { enum: ['a', 'b'], description: 't' }, x: {}, y: {} },
      allOf: [{ if: { properties: { type: { const: 'b' } } }, then: { required: ['x'] } }],
    });
  });

  it('reads defaults from the schema only, and the loader applies exactly those', () => {
    expect(defaultOf(SessionAuthSchema, 'ttl_seconds')).toBe(900);
    expect(() => defaultOf(LimitsSchema, 'nothing' as 'max_pages_per_call')).toThrow(/no default/);
    const compiled = compileManifest(
      { version: 1, name: 'x', connection: { base_url: 'https://api.example.com' } },
      'x.yaml',
    );
    const top = MANIFEST_SCHEMA.properties as Record<
      string,
      { properties: Record<string, { default: unknown }> }
    >;
    expect(compiled.maxPagesPerCall).toBe(top.limits.properties.max_pages_per_call.default);
    expect([...compiled.retryStatuses]).toEqual(top.retry.properties.statuses.default);
    const connection = (MANIFEST_SCHEMA.definitions as Record<string, typeof top.limits>)
      .connection;
    expect(compiled.maxResponseBytes).toBe(connection.properties.max_response_bytes.default);
  });
});
