import { JsonPath } from '../../manifest/paths';
import { filterRecords, keepsRecord } from './record-filter';

describe('record filter', () => {
  const filter = {
    conditions: [
      { path: new JsonPath('role'), in: ['end-user'] },
      { path: new JsonPath('active'), notIn: [false] },
    ],
  };

  it('keeps records meeting every condition, in order, and counts the others', () => {
    const records = [
      { id: 1, role: 'end-user', active: true },
      { id: 2, role: 'agent', active: true },
      { id: 3, role: 'end-user', active: false },
      { id: 4, role: 'admin' },
      { id: 5, role: 'end-user' },
    ];
    const out = filterRecords(filter, records);
    expect(out.records.map((r: any) => r.id)).toEqual([1, 5]);
    expect(out.filtered).toBe(3);
  });

  it('compares exactly: the text "false" is not false, a missing value is null', () => {
    expect(keepsRecord(filter, { role: 'end-user', active: 'false' })).toBe(true);
    expect(keepsRecord({ conditions: [{ path: new JsonPath('x'), notIn: [null] }] }, {})).toBe(
      false,
    );
    expect(
      keepsRecord({ conditions: [{ path: new JsonPath('x'), in: [null] }] }, { x: null }),
    ).toBe(true);
  });

  it('without a filter, everything passes untouched', () => {
    const records = [{ id: 1 }];
    expect(filterRecords(undefined, records)).toEqual({ records, filtered: 0 });
  });
});
