import { Template } from '../../manifest-common';
import { RowShape } from './row-shape';

const ctx = (scope: Record<string, unknown>) => ({
  fail: (where: string, message: string) => {
    throw new Error(`${where}: ${message}`);
  },
  roots: ['record', 'settings'],
  expressionTimeoutMs: 100,
  scope,
});

describe('RowShape templates over the scope’s constants', () => {
  const scope = { settings: { record_url_base: 'https://crm.example.com' } };

  it.each([
    '{{ settings.record_url_base }}/contacts/{{ record.id }}',
    '{{settings.record_url_base}}/{{ record.type }}s/{{ record.id }}',
    'see {{ settings.record_url_base }}',
    '{{ record.id }}: {{ settings.missing }}.',
  ])('%s reads what Template.value gives, without building the record', (source) => {
    const shape = new RowShape(ctx(scope));
    const read = shape.reader('url', { template: source });
    const row = shape.columns.map((c) => ({ id: 42, type: 'ticket' })[c]);
    const record = Object.fromEntries(shape.columns.map((c, i) => [c, row[i]]));
    expect(read(row, () => ({}))).toBe(
      new Template(source, ['record', 'settings']).value({ ...scope, record }),
    );
    expect(shape.recordOf(row)()).toEqual({});
  });
});
