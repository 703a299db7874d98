import { BoundedCache } from './enrichment';

describe('enrichment cache', () => {
  it('keeps at most `size` answers, dropping the least recently used', () => {
    const cache = new BoundedCache<string>(2, 60_000);
    cache.set('a', 'A');
    cache.set('b', 'B');
    expect(cache.get('a')).toBe('A');
    cache.set('c', 'C');
    expect(cache.get('b')).toBeUndefined();
    expect(cache.get('a')).toBe('A');
    expect(cache.get('c')).toBe('C');
    expect(cache.count).toBe(2);
  });

  it('forgets an answer older than its time to live; null (unknown reference) is an answer', () => {
    let now = 0;
    const cache = new BoundedCache<string | null>(10, 1_000, () => now);
    cache.set('gone', null);
    expect(cache.get('gone')).toBeNull();
    now = 1_001;
    expect(cache.get('gone')).toBeUndefined();
    expect(cache.count).toBe(0);
  });
});
