import { Template } from './template';

describe('the guid template filter', () => {
  const value = (source: string, data: Record<string, unknown>) =>
    new Template(source, ['data']).value({ data });

  it('keeps a GUID (lower case, braces dropped)', () => {
    expect(
      value('/contacts({{ data.id | guid }})', { id: '{3B0B3AD1-0000-4000-8000-0000000000AA}' }),
    ).toBe('/contacts(3b0b3ad1-0000-4000-8000-0000000000aa)');
  });

  it('makes anything else the nil GUID, which matches no row', () => {
    expect(value('/contacts({{ data.id | guid }})', { id: "x)/systemusers('y" })).toBe(
      '/contacts(00000000-0000-0000-0000-000000000000)',
    );
    expect(value('{{ data.id | guid }}', { id: 42 })).toBe('00000000-0000-0000-0000-000000000000');
  });

  it('keeps a missing value missing', () => {
    expect(value('{{ data.id | guid }}', {})).toBeUndefined();
  });
});
