import { CompiledValue } from '../manifest/compiled';
import { Expression } from '../manifest/expression';
import { evaluate, toContact } from './mapper';

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
});
