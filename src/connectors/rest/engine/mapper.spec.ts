import fc from 'fast-check';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { CompiledValue } from '../manifest/compiled';
import { Expression } from '../manifest/expression';
import { loadManifest } from '../manifest/load-manifest';
import { textOf } from '../manifest/template';
import { evaluate, text, texts, toContact, toContactKey, toContactWithKey } from './mapper';

const constant = (value: unknown, extra: Partial<CompiledValue> = {}): CompiledValue => ({
  where: 'test',
  source: { kind: 'value', value },
  ...extra,
});
const expression = (source: string): CompiledValue => ({
  where: 'test',
  source: { kind: 'expression', expression: new Expression(source, 1000) },
});

describe('mapper', () => {
  it('answers a missing value (null, empty text) as undefined, or as the fallback', () => {
    expect(evaluate(constant(null), {}, {})).toBeUndefined();
    expect(evaluate(constant(''), {}, {})).toBeUndefined();
    expect(evaluate(constant(null, { fallback: { value: 'none' } }), {}, {})).toBe('none');
    expect(evaluate(constant(0), {}, {})).toBe(0);
  });

  it('answers paths, templates, constants and compiled expressions at once, other expressions as a promise', async () => {
    expect(evaluate(constant('x'), {}, {})).toBe('x');
    expect(evaluate(expression('name'), { name: 'Ada' }, {})).toBe('Ada');
    expect(evaluate(expression('missing'), {}, {})).toBeUndefined();
    const pending = evaluate(expression('$uppercase(name)'), { name: 'Ada' }, {});
    expect(pending).toBeInstanceOf(Promise);
    expect(await pending).toBe('ADA');
    expect(await evaluate(expression('$uppercase(missing)'), {}, {})).toBeUndefined();
  });

  it('maps a record at once when no field needs JSONata itself', () => {
    const mapped = toContact(
      { id: constant(7), name: expression("first & ' ' & last") },
      { first: 'Ada', last: 'Lovelace' },
      {},
      false,
    );
    expect(mapped).not.toBeInstanceOf(Promise);
    expect(mapped).toMatchObject({ record: { id: '7', name: 'Ada Lovelace' } });
  });

  it('maps a contact whose fields mix constants and expressions', async () => {
    const mapped = await toContact(
      {
        id: constant(7),
        updated_at: constant('2026-01-02T03:04:05Z'),
        name: expression("first & ' ' & last"),
        phones: expression('[phone]'),
        title: constant(''),
      },
      { first: 'Ada', last: 'Lovelace', phone: '+1 212 555 0100' },
      {},
      true,
    );
    expect(mapped).toEqual({
      record: expect.objectContaining({
        id: '7',
        updatedAt: Date.parse('2026-01-02T03:04:05Z'),
        name: 'Ada Lovelace',
        title: null,
        phones: ['+1 212 555 0100'],
        emails: [],
      }) as unknown,
    });
  });

  // What texts() answered before it was written as a loop.
  const textsBefore = (value: unknown) =>
    value === undefined || value === null || value === ''
      ? []
      : (Array.isArray(value) ? (value as unknown[]).flat(3) : [value])
          .map(text)
          .filter((t): t is string => t !== null);

  it('reads one value or lists nested three deep as texts', () => {
    const scalar = fc.oneof(
      fc.string({ maxLength: 4 }),
      fc.constantFrom(' a ', '', '  ', 0, 1.5, Number.NaN, true, null, undefined, { a: 1 }),
    );
    const nested = fc.letrec((tie) => ({
      value: fc.oneof({ depthSize: 'small' }, scalar, fc.array(tie('value'), { maxLength: 4 })),
    })).value;
    fc.assert(
      fc.property(nested, (value) => {
        expect(texts(value)).toEqual(textsBefore(value));
      }),
      { numRuns: 20_000 },
    );
  });

  /** Records shaped like the vendors' (the manifests' paths), with every kind of value. */
  const messy = fc.oneof(
    fc.constantFrom(null, undefined, '', ' ', 'Gold', 7, 0, true, [], ['x'], [['y', null]], {}),
    fc.string({ maxLength: 6 }),
    fc.array(fc.oneof(fc.string({ maxLength: 4 }), fc.constant(null)), { maxLength: 3 }),
    fc.dictionary(fc.constantFrom('name', 'tier', 'key', 'value', 'value2'), fc.string(), {
      maxKeys: 3,
    }),
  );
  const record = fc.record(
    {
      id: fc.oneof(fc.nat(), fc.string({ maxLength: 4 })),
      updated_at: fc.constantFrom('2024-01-01T00:00:00Z', 1714566615, '2024-05-01 12:30:00'),
      name: messy,
      email: messy,
      secondary_emails: messy,
      phone: messy,
      organization: messy,
      job_title: messy,
      twitter: messy,
      user_fields: messy,
      properties: messy,
      first_name: messy,
      last_name: messy,
      custom_fields: fc.oneof(
        messy,
        fc.array(fc.record({ key: messy, value: messy }, { requiredKeys: [] }), { maxLength: 3 }),
      ),
    },
    { requiredKeys: ['id', 'updated_at'] },
  );

  it('maps a contact from its key as the whole mapping does, in every manifest', async () => {
    const dir = join(__dirname, '../../../../connectors');
    const manifests = readdirSync(dir)
      .filter((f) => /\.ya?ml$/.test(f))
      .map((f) => loadManifest(join(dir, f)))
      .filter((m) => m.contacts);
    expect(manifests.length).toBeGreaterThan(3);
    const scope = { auth: { subdomain: 'acme', instance_url: 'https://acme.example' } };
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...manifests), record, async (manifest, raw) => {
        const fields = manifest.contacts!.fields;
        const whole = await toContact(fields, raw, scope, true);
        const key = await toContactKey(fields, raw, scope);
        if (!('record' in key)) {
          expect('problem' in whole).toBe(true);
          return;
        }
        expect(await toContactWithKey(fields, key.record, raw, scope)).toEqual(whole);
      }),
      { numRuns: 3_000 },
    );
  });

  it('reads custom fields from a list of key and value, or an object', () => {
    const fields = { id: constant(1), custom_fields: expression('custom') };
    const custom = (value: unknown) =>
      (toContact(fields, { custom: value }, {}, false) as { record: { customFields: unknown } })
        .record.customFields;
    expect(custom([{ key: 'Tier', value: 'Gold' }, { key: '', value: 1 }, 'x', null])).toEqual([
      { key: 'Tier', value: 'Gold' },
    ]);
    expect(custom({ a: 1 })).toEqual([{ key: 'a', value: 1 }]);
    expect(custom([{ key: 7 }])).toEqual([{ key: textOf(7), value: undefined }]);
  });
});
