import { canonicalJson, digest } from './canonical-json';

describe('canonicalJson', () => {
  it('gives the same text whatever the key order, at every level', () => {
    const a = { data: { subject: 'x', priority: 'high' }, contactExternalId: '1' };
    const b = { contactExternalId: '1', data: { priority: 'high', subject: 'x' } };
    expect(canonicalJson(a)).toBe(canonicalJson(b));
    expect(canonicalJson(a)).toBe(
      '{"contactExternalId":"1","data":{"priority":"high","subject":"x"}}',
    );
  });

  it('leaves undefined members out but keeps nulls and array order', () => {
    expect(canonicalJson({ a: undefined, b: null, c: [2, 1] })).toBe('{"b":null,"c":[2,1]}');
  });

  it('tells different payloads apart', () => {
    expect(digest(canonicalJson({ subject: 'a' }))).not.toBe(
      digest(canonicalJson({ subject: 'b' })),
    );
    expect(digest(canonicalJson([1, 2]))).not.toBe(digest(canonicalJson([2, 1])));
  });
});
