import { MetricsService } from '../metrics/metrics.service';
import { loadConfig } from '../config/app-config';
import { KeyValueStore, KeyValueStores, StoreOptions } from '../store/key-value-store';
import { MemoryKeyValueStore } from '../store/memory-key-value.store';
import { TalkdeskInteraction } from '../talkdesk/contract/interactions';
import { InteractionsCache } from './interactions-cache.service';

class OneStore extends KeyValueStores {
  readonly shared = false;
  constructor(readonly store: KeyValueStore) {
    super();
  }
  open(_namespace: string, _options: StoreOptions): KeyValueStore {
    return this.store;
  }
}

const answer = (id: string): TalkdeskInteraction[] => [
  {
    id,
    type: 'ticket',
    subject: 's',
    description: '',
    date: '2026-01-01T00:00:00.000Z',
    priority: 'none',
    status: 'open',
  },
];

describe('InteractionsCache', () => {
  const request = {
    lookup: { contactId: '1', emails: [], phones: [] },
    query: { types: ['ticket'], limit: 50 },
  };
  let store: MemoryKeyValueStore;
  let cache: InteractionsCache;

  beforeEach(() => {
    store = new MemoryKeyValueStore(100);
    cache = new InteractionsCache(
      new OneStore(store),
      loadConfig({ INTERACTIONS_CACHE_SECONDS: '60' }),
    );
  });

  it('is off by default', () => {
    expect(new InteractionsCache(new OneStore(store), loadConfig({})).enabled).toBe(false);
  });

  it('keys entries by account: the same request of another account misses', async () => {
    const mine = await cache.lookup({ key: 'sql:1' }, request);
    await cache.remember(mine.key, answer('a'));
    expect((await cache.lookup({ key: 'sql:1' }, request)).hit).toEqual(answer('a'));
    expect((await cache.lookup({ key: 'sql:2' }, request)).hit).toBeNull();
  });

  it('misses after the account is invalidated, and only that account', async () => {
    for (const key of ['sql:1', 'sql:2']) {
      const { key: entry } = await cache.lookup({ key }, request);
      await cache.remember(entry, answer(key));
    }
    await cache.invalidate({ key: 'sql:1' });
    expect((await cache.lookup({ key: 'sql:1' }, request)).hit).toBeNull();
    expect((await cache.lookup({ key: 'sql:2' }, request)).hit).toEqual(answer('sql:2'));
  });

  it('treats an unreadable entry as a miss', async () => {
    const { key } = await cache.lookup({ key: 'sql:1' }, request);
    await store.set(key, '{not json', 60_000);
    expect((await cache.lookup({ key: 'sql:1' }, request)).hit).toBeNull();
  });
});

describe('InteractionsCache metrics', () => {
  it('counts every lookup as a hit or a miss of the interactions cache', async () => {
    const metrics = new MetricsService(true);
    const cache = new InteractionsCache(
      new OneStore(new MemoryKeyValueStore(100)),
      loadConfig({}, { interactionsCacheSeconds: 30 }),
      metrics,
    );
    const account = { key: 'sql:1' };
    const { key } = await cache.lookup(account, 'request');
    await cache.remember(key, answer('1'));
    await cache.lookup(account, 'request');
    const text = await metrics.registry.metrics();
    expect(text).toMatch(/bridge_cache_requests_total\{cache="interactions",result="miss"\} 1/);
    expect(text).toMatch(/bridge_cache_requests_total\{cache="interactions",result="hit"\} 1/);
    metrics.onModuleDestroy();
  });
});
