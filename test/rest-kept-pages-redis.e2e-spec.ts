import { Redis } from 'ioredis';
import { AppConfig } from '../src/config/app-config';
import { Reply, startTestApp, TestApp } from './support/test-app';
import { deleteUnder, keysUnder, openRedis, REDIS_URL, uniquePrefix } from './support/redis';
import { FakeHubSpot, HUBSPOT_PORTALS } from './support/upstreams/fake-hubspot';
import { RedisSharedPages } from '../src/store/redis-shared-pages';

const CONTACTS = 1200;
/** HubSpot's list endpoint answers 100 a page (connectors/hubspot.yaml). */
const LIST_PAGES = CONTACTS / 100;
/** REST_KEPT_PAGES_TTL_SECONDS of the replicas sharing Redis: no kept page lives longer. */
const KEPT_TTL_SECONDS = 30;

/**
 * Upstream pages kept for a run's next batch, shared by two replicas through Redis: a Talkdesk
 * page of 250 ends inside a HubSpot list page of 100, and the replica serving the next_offset
 * takes the rest of that page from Redis instead of asking HubSpot for it again.
 */
describe('REST connector: kept pages shared by replicas through Redis', () => {
  const prefix = uniquePrefix('kept-pages');
  const auth = { access_token: HUBSPOT_PORTALS[0].token };
  let hubspot: FakeHubSpot;
  let redis: Redis;
  const apps: TestApp[] = [];
  const lists = () =>
    hubspot.server.requests.filter(
      (r) => r.method === 'GET' && r.path === '/crm/v3/objects/contacts',
    ).length;

  const start = async (overrides: Partial<AppConfig>) => {
    const app = await startTestApp({
      connector: 'rest',
      connectorManifest: 'connectors/hubspot.yaml',
      connectorBaseUrl: hubspot.baseUrl,
      contactsPageSize: 250,
      logLevel: 'silent',
      tokenSecret: 'a-token-secret-the-replicas-share-0123456789',
      ...overrides,
    });
    apps.push(app);
    return app;
  };

  const searches = () =>
    hubspot.server.requests.filter((r) => r.path === '/crm/v3/objects/contacts/search').length;

  /** The kept-page entries in Redis, each with the milliseconds it has left to live. */
  const keptEntries = async () => {
    const ttls = new Map<string, number>();
    for (const key of (await keysUnder(redis, `${prefix}pages:`)).keys()) {
      ttls.set(key, await redis.pttl(key));
    }
    return ttls;
  };

  /**
   * After every batch: each kept entry expires within the configured TTL and holds no
   * credential, and the batch that
   * went on from an entry another replica wrote deleted it (one entry at most: the latest).
   */
  const entriesAfterEachBatch: Map<string, number>[] = [];
  const checkEntries = async () => {
    const entries = await keptEntries();
    for (const [key, ttl] of entries) {
      // What is kept in Redis never holds the account's token.
      for (const text of Object.values(await redis.hgetall(key))) {
        expect(text).not.toContain(auth.access_token);
      }
      expect(ttl).toBeGreaterThan(0);
      expect(ttl).toBeLessThanOrEqual(KEPT_TTL_SECONDS * 1000);
    }
    expect(entries.size).toBeLessThanOrEqual(1);
    const previous = entriesAfterEachBatch[entriesAfterEachBatch.length - 1];
    for (const key of entries.keys()) expect(previous?.has(key)).not.toBe(true);
    entriesAfterEachBatch.push(entries);
  };

  /** A sync (full, or incremental from `checkpoint`) whose pages alternate between replicas. */
  const alternating = async (
    one: TestApp,
    two: TestApp,
    checkpoint?: string,
    afterEach?: () => Promise<void>,
  ) => {
    const pages: Reply[] = [];
    let meta: Record<string, unknown> | undefined = checkpoint
      ? { synchronization_checkpoint: checkpoint }
      : undefined;
    for (let i = 0; i < 20; i++) {
      const res = await (i % 2 === 0 ? one : two).post('/contacts/sync', {
        auth,
        ...(meta && { meta }),
      });
      expect(res.status).toBe(200);
      pages.push(res);
      await afterEach?.();
      if (!res.body.next_offset) break;
      meta = {
        synchronization_checkpoint: checkpoint ?? null,
        offset: res.body.next_offset,
        context: res.body.context,
      };
    }
    return {
      ids: pages.flatMap((p) => p.body.contacts as { id: string }[]).map((c) => c.id),
      checkpoint: pages[pages.length - 1].body.synchronization_checkpoint as string,
    };
  };

  /** 700 contacts changed a moment ago, a millisecond apart: four search pages of 200. */
  const changeSome = () => {
    const at = Date.now() - 1_000;
    const changed = hubspot.contacts(0).slice(0, 700);
    changed.forEach((c, i) => hubspot.change(0, c.id, { jobtitle: `Changed ${at}` }, at + i));
    return changed.map((c) => c.id);
  };

  beforeAll(async () => {
    hubspot = new FakeHubSpot({ contacts: CONTACTS });
    await hubspot.start();
    redis = openRedis();
  });
  afterAll(async () => {
    for (const app of apps) await app.close();
    await hubspot?.stop();
    await deleteUnder(redis, prefix);
    await redis.quit();
  });

  it('the second replica serves the first one’s next_offset without reading the page again', async () => {
    const shared = {
      redisUrl: REDIS_URL,
      redisKeyPrefix: prefix,
      restKeptPagesTtlSeconds: KEPT_TTL_SECONDS,
    };
    const [a, b] = [await start(shared), await start(shared)];
    const before = lists();
    const { ids, checkpoint } = await alternating(a, b, undefined, checkEntries);
    expect(ids).toHaveLength(CONTACTS);
    expect(new Set(ids).size).toBe(CONTACTS);
    // Each list page once: none of the Talkdesk pages that start inside one reads it again.
    expect(lists() - before).toBe(LIST_PAGES);
    // A page was kept in Redis for the Talkdesk pages that start inside a list page (from 250
    // and 750, unless a batch was cut short on a busy machine), and the other replica, going on
    // from it, deleted it (checkEntries): none is left.
    expect(entriesAfterEachBatch.some((e) => e.size > 0)).toBe(true);
    expect((await keptEntries()).size).toBe(0);
    // An incremental sync (the search, pages of 200) keeps the pages a batch read ahead.
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    const changed = changeSome();
    const searched = searches();
    const kept = entriesAfterEachBatch.length;
    const next = await alternating(b, a, checkpoint, checkEntries);
    expect(new Set(next.ids)).toEqual(new Set(changed));
    expect(next.ids).toHaveLength(changed.length);
    expect(searches() - searched).toBe(4);
    expect(entriesAfterEachBatch.slice(kept).some((e) => e.size > 0)).toBe(true);
    expect((await keptEntries()).size).toBe(0);
  });

  it('a kept entry is bounded in bytes, and every page put in it sets its TTL', async () => {
    const pages = new RedisSharedPages(redis, `${prefix}bound:`, 100);
    expect(await pages.put('e1', 'p1', 'x'.repeat(60), 5_000)).toBe(true);
    // Written again, a page counts once; a second one past the bound is refused.
    expect(await pages.put('e1', 'p1', 'y'.repeat(60), 5_000)).toBe(true);
    expect(await pages.put('e1', 'p2', 'z'.repeat(60), 5_000)).toBe(false);
    expect(await pages.get('e1', 'p1')).toBe('y'.repeat(60));
    expect(await pages.get('e1', 'p2')).toBeNull();
    const ttl = await redis.pttl(`${prefix}bound:e1`);
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(5_000);
    await pages.drop('e1');
    expect(await redis.exists(`${prefix}bound:e1`)).toBe(0);
  });

  it('without Redis each replica keeps its own: every page the other began is read again', async () => {
    const [a, b] = [await start({}), await start({})];
    const before = lists();
    const { ids, checkpoint } = await alternating(a, b);
    expect(new Set(ids).size).toBe(CONTACTS);
    // The Talkdesk pages from contact 250 and 750 start inside a list page the other read.
    expect(lists() - before).toBe(LIST_PAGES + 2);
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    const changed = changeSome();
    const searched = searches();
    const next = await alternating(b, a, checkpoint);
    expect(new Set(next.ids)).toEqual(new Set(changed));
    console.log(`incremental of 700 without Redis: ${searches() - searched} searches`);
    expect(searches() - searched).toBeGreaterThan(4);
  });
});
