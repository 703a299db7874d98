import { SharedPages } from '../../ports/shared-pages';
import { KeptPages } from './kept-pages';
import { RestAccount } from './rest-account';
import type { Page } from './rest-client';
import { Secrets } from './secrets';

const account = (key: string, token = 'secret-token-1') =>
  new RestAccount(key, { token }, `hash-${key}`, new Secrets([token]));

const page = (records: unknown[], next: Page['next'] = null): Page => ({
  records,
  filtered: 0,
  next,
  status: 200,
  bytes: 100,
});

/** The shared store, as the Redis one behaves (TTLs aside): entries of pages, dropped whole. */
class MapStore extends SharedPages {
  readonly entries = new Map<string, Map<string, string>>();
  /** Most pages an entry takes, as Redis's byte bound would. */
  constructor(private readonly maxPages = Infinity) {
    super();
  }
  get size(): number {
    return this.entries.size;
  }
  get(entry: string, page: string): Promise<string | null> {
    return Promise.resolve(this.entries.get(entry)?.get(page) ?? null);
  }
  put(entry: string, page: string, value: string): Promise<boolean> {
    const pages = this.entries.get(entry) ?? new Map<string, string>();
    if (pages.size >= this.maxPages && !pages.has(page)) return Promise.resolve(false);
    this.entries.set(entry, pages.set(page, value));
    return Promise.resolve(true);
  }
  drop(entry: string): Promise<void> {
    this.entries.delete(entry);
    return Promise.resolve();
  }
}

/** A store that fails every call, as Redis does while it is down. */
class DownStore extends SharedPages {
  calls = 0;
  get(): Promise<string | null> {
    this.calls++;
    return Promise.reject(new Error('down'));
  }
  put(): Promise<boolean> {
    this.calls++;
    return Promise.reject(new Error('down'));
  }
  drop(): Promise<void> {
    this.calls++;
    return Promise.reject(new Error('down'));
  }
}

describe('KeptPages', () => {
  let store: MapStore;
  let a: KeptPages<Page>;
  let b: KeptPages<Page>;
  const acme = account('acct-1');

  beforeEach(() => {
    store = new MapStore();
    a = new KeptPages<Page>(store);
    b = new KeptPages<Page>(store);
  });

  it('another replica takes what one kept, for the same account only', async () => {
    const kept = page([{ id: 1 }, { id: 2 }], { k: 'cursor', cursor: 'c2' });
    const id = (await a.keep(acme, [['p1', kept]], kept.bytes))!;
    expect(await b.take(acme, id, 'p1')).toEqual(kept);
    // Taken again (a retried request): still there.
    expect(await b.take(acme, id, 'p1')).toEqual(kept);
    expect(await b.take(account('acct-2'), id, 'p1')).toBeUndefined();
    expect(await b.take(acme, id, 'p2')).toBeUndefined();
    expect(await b.take(acme, 'another-id', 'p1')).toBeUndefined();
  });

  it('without a shared store each replica has its own', async () => {
    const alone = new KeptPages<Page>();
    const id = (await alone.keep(acme, [['p1', page([{ id: 1 }])]], 100))!;
    expect(await alone.take(acme, id, 'p1')).toBeDefined();
    expect(await new KeptPages<Page>().take(acme, id, 'p1')).toBeUndefined();
  });

  it('a page holding one of the account’s secrets stays in memory', async () => {
    const echoed = page([{ id: 1 }], { k: 'url', url: 'https://x.test/p?api_key=secret-token-1' });
    const id = (await a.keep(acme, [['p1', echoed]], 100))!;
    expect(await a.take(acme, id, 'p1')).toEqual(echoed);
    expect(await b.take(acme, id, 'p1')).toBeUndefined();
    expect(store.size).toBe(0);
  });

  it('the replica that goes on deletes the entry it started from, whoever wrote it', async () => {
    const id = (await a.keep(
      acme,
      [
        ['p1', page([{ id: 1 }])],
        ['p2', page([{ id: 2 }])],
      ],
      200,
    ))!;
    // b reads one of the two pages only, and keeps what it did not hand out again.
    expect(await b.take(acme, id, 'p1')).toBeDefined();
    const next = (await b.keep(acme, [['p1', page([{ id: 1 }])]], 100, id))!;
    expect(store.size).toBe(1);
    expect(await a.take(account('acct-2'), id, 'p2')).toBeUndefined();
    expect(await b.take(acme, id, 'p2')).toBeUndefined();
    expect(await a.take(acme, next, 'p1')).toBeDefined();
    // a hands the rest out: the entry b wrote goes.
    await a.release(acme, next);
    expect(store.size).toBe(0);
  });

  it('another account releasing the same id leaves the entry alone', async () => {
    const id = (await a.keep(acme, [['p1', page([{ id: 1 }])]], 100))!;
    await b.release(account('acct-2'), id);
    expect(await b.take(acme, id, 'p1')).toBeDefined();
  });

  it('pages the store refuses (over its bound) are not shared, the rest of the entry neither', async () => {
    const bounded = new MapStore(1);
    const one = new KeptPages<Page>(bounded);
    const id = (await one.keep(
      acme,
      [
        ['p1', page([{ id: 1 }])],
        ['p2', page([{ id: 2 }])],
      ],
      200,
    ))!;
    expect(await one.take(acme, id, 'p2')).toBeDefined();
    expect(bounded.entries.get([...bounded.entries.keys()][0])?.size).toBe(1);
    expect(await new KeptPages<Page>(bounded).take(acme, id, 'p2')).toBeUndefined();
  });

  it('adds pages one by one to an id of the run (slices), shared as they come', async () => {
    await a.add(acme, 'slice 1 2', 'p1', page([{ id: 1 }]), 100);
    await a.add(acme, 'slice 1 2', 'p2', page([{ id: 2 }]), 100);
    expect((await b.take(acme, 'slice 1 2', 'p2'))?.records).toEqual([{ id: 2 }]);
    await a.release(acme, 'slice 1 2');
    expect(await b.take(acme, 'slice 1 2', 'p1')).toBeUndefined();
  });

  it('keeps nowhere an entry above a quarter of the bound', async () => {
    const small = new KeptPages<Page>(store, undefined, 1000);
    expect(await small.keep(acme, [['p1', page([{ id: 1 }])]], 251)).toBeUndefined();
    expect(store.size).toBe(0);
  });

  it('a store that fails costs the shared copy only', async () => {
    const errors: unknown[] = [];
    const store = new DownStore();
    const down = new KeptPages<Page>(store, (e) => errors.push(e));
    const id = (await down.keep(acme, [['p1', page([{ id: 1 }])]], 100))!;
    expect(await down.take(acme, id, 'p1')).toBeDefined();
    expect(await down.take(acme, 'other', 'p1')).toBeUndefined();
    await down.release(acme, id);
    // The write, the read of what memory did not hold and the delete failed, each reported.
    expect(store.calls).toBe(3);
    expect(errors).toHaveLength(3);
  });
});
