import { seededRandom } from '../../../common/seeded-random';
import { compareContactIds } from '../../ports';
import type { SqlIdColumn } from '../manifest/sql-manifest.schema';
import { decodeKey, encodeKey } from './row-key';

const TEXT_INT: SqlIdColumn[] = [
  { column: 'company_code', type: 'text' },
  { column: 'customer_no', type: 'integer' },
];

/** The database's order of a key: text by code unit, integers as numbers. */
function compareTuples(a: (string | number)[], b: (string | number)[]): number {
  for (let i = 0; i < a.length; i++) {
    if (a[i] === b[i]) continue;
    return a[i] < b[i] ? -1 : 1;
  }
  return 0;
}

describe('composite keys as one contact id', () => {
  it('spells a key readably and reverses it', () => {
    const id = encodeKey(TEXT_INT, ['ACME', 42])!;
    expect(id).toBe('ACME+0000000000000000042');
    expect(decodeKey(TEXT_INT, id)).toEqual(['ACME', 42]);
    expect(decodeKey(TEXT_INT, encodeKey(TEXT_INT, ['AC ME+,x', '-7'])!)).toEqual(['AC ME+,x', -7]);
    expect(encodeKey(TEXT_INT, ['A+B', 1])).toBe('A,2BB+0000000000000000001');
  });

  it('keeps 64-bit integers exact, bound as digits beyond safe integers', () => {
    for (const n of ['9223372036854775807', '-9223372036854775808', '9007199254740993']) {
      expect(decodeKey(TEXT_INT, encodeKey(TEXT_INT, ['x', n])!)).toEqual(['x', n]);
    }
    expect(encodeKey(TEXT_INT, ['x', '9223372036854775808'])).toBeUndefined();
    expect(encodeKey(TEXT_INT, ['x', 1.5])).toBeUndefined();
    expect(encodeKey(TEXT_INT, ['x', null])).toBeUndefined();
  });

  it('sorts as the database orders the key (ties on a part, prefixes, escapes, negatives)', () => {
    const random = seededRandom(7);
    const alphabet = ['A', 'B', 'a', ' ', '!', '+', ',', '-', '%', "'", '\u0001', 'é', '~', '0'];
    const keys: [string, number][] = [];
    for (let i = 0; i < 2000; i++) {
      const length = Math.floor(random() * 4);
      let text = '';
      for (let j = 0; j < length; j++) text += alphabet[Math.floor(random() * alphabet.length)];
      const n = Math.floor(random() * 2000) - 1000;
      keys.push([text, random() < 0.1 ? n * 1e12 : n]);
    }
    const byTuple = [...keys].sort(compareTuples).map((k) => encodeKey(TEXT_INT, k)!);
    const byId = [...byTuple].sort(compareContactIds);
    expect(byId).toEqual(byTuple);
  });

  it('refuses ids it does not write: other spellings, part counts, types', () => {
    for (const id of [
      'ACME',
      'ACME+42',
      'ACME+0000000000000000042+x',
      'AC ME+0000000000000000042',
      'A,41+0000000000000000042',
      'A,+0000000000000000042',
      'A,2b+0000000000000000042',
      'ACME+-9223372036854775809',
      'ACME+9999999999999999999',
      'ACME+00000000000000000x2',
      '\u0000+0000000000000000042',
    ]) {
      expect({ id, key: decodeKey(TEXT_INT, id) }).toEqual({ id, key: undefined });
    }
    const uuidKey: SqlIdColumn[] = [
      { column: 'org', type: 'integer' },
      { column: 'ref', type: 'uuid' },
    ];
    const uuid = '5E2B1C9A-1111-4222-8333-944445555666';
    const id = encodeKey(uuidKey, [3, uuid])!;
    expect(id).toBe(`0000000000000000003+${uuid.toLowerCase()}`);
    expect(decodeKey(uuidKey, id)).toEqual([3, uuid.toLowerCase()]);
    expect(decodeKey(uuidKey, '0000000000000000003+not-a-uuid')).toBeUndefined();
  });
});
