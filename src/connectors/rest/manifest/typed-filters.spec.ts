import { Template } from './template';
import { typedValue } from './typed-filters';

describe('typed template filters', () => {
  const value = (source: string, data: Record<string, unknown>) =>
    new Template(source, ['data']).value({ data });

  it('give a single placeholder its JSON type', () => {
    expect(value('{{ data.p | integer }}', { p: '2' })).toBe(2);
    expect(value('{{ data.p | number }}', { p: ' 2.5 ' })).toBe(2.5);
    expect(value('{{ data.p | boolean }}', { p: 'Yes' })).toBe(true);
    expect(value('{{ data.p | boolean }}', { p: '0' })).toBe(false);
  });

  it('leave text that does not read as its type unchanged, for the upstream to refuse', () => {
    expect(value('{{ data.p | integer }}', { p: '2.5' })).toBe('2.5');
    expect(value('{{ data.p | number }}', { p: 'two' })).toBe('two');
    expect(value('{{ data.p | number }}', { p: '' })).toBe('');
    expect(value('{{ data.p | boolean }}', { p: 'maybe' })).toBe('maybe');
    expect(typedValue('integer', '99999999999999999999')).toBe('99999999999999999999');
  });

  it('keep a missing value missing (the body key is then left out)', () => {
    expect(value('{{ data.p | integer }}', {})).toBeUndefined();
  });

  it('are text inside a longer template', () => {
    expect(value('priority {{ data.p | integer }}', { p: '2' })).toBe('priority 2');
  });

  it('guid keeps a GUID (lower case, braces dropped) and makes anything else the nil GUID', () => {
    expect(
      value('/contacts({{ data.id | guid }})', { id: '{3B0B3AD1-0000-4000-8000-0000000000AA}' }),
    ).toBe('/contacts(3b0b3ad1-0000-4000-8000-0000000000aa)');
    expect(value('/contacts({{ data.id | guid }})', { id: "x)/systemusers('y" })).toBe(
      '/contacts(00000000-0000-0000-0000-000000000000)',
    );
  });
});
