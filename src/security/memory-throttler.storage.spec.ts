import { expectFixedWindowCounting } from '../../test/support/throttler-storage-contract';
import { MemoryThrottlerStorage } from './memory-throttler.storage';

describe('MemoryThrottlerStorage', () => {
  afterEach(() => jest.useRealTimers());

  it('counts hits in a window and blocks past the limit, with the time to wait', async () => {
    await expectFixedWindowCounting(new MemoryThrottlerStorage());
  });

  it('counts each key and each named limit apart', async () => {
    const storage = new MemoryThrottlerStorage();
    await storage.increment('a', 60_000, 5, 60_000, 'default');
    await storage.increment('a', 60_000, 5, 60_000, 'default');
    expect((await storage.increment('b', 60_000, 5, 60_000, 'default')).totalHits).toBe(1);
    expect((await storage.increment('a', 60_000, 5, 60_000, 'address')).totalHits).toBe(1);
    expect((await storage.increment('a', 60_000, 5, 60_000, 'default')).totalHits).toBe(3);
  });

  it('starts a new window when the old one ends (a fixed window, like the Redis store)', async () => {
    jest.useFakeTimers({ now: 1_000_000 });
    const storage = new MemoryThrottlerStorage();
    await storage.increment('k', 10_000, 2, 10_000, 'default');
    jest.setSystemTime(1_009_000);
    const late = await storage.increment('k', 10_000, 2, 10_000, 'default');
    expect(late).toMatchObject({ totalHits: 2, timeToExpire: 1, isBlocked: false });
    jest.setSystemTime(1_010_000);
    expect(await storage.increment('k', 10_000, 2, 10_000, 'default')).toMatchObject({
      totalHits: 1,
      timeToExpire: 10,
      isBlocked: false,
    });
  });

  it('keeps a block for its whole duration, across the end of the window', async () => {
    jest.useFakeTimers({ now: 2_000_000 });
    const storage = new MemoryThrottlerStorage();
    await storage.increment('k', 1_000, 1, 5_000, 'default');
    expect((await storage.increment('k', 1_000, 1, 5_000, 'default')).isBlocked).toBe(true);
    jest.setSystemTime(2_003_000);
    expect(await storage.increment('k', 1_000, 1, 5_000, 'default')).toMatchObject({
      isBlocked: true,
      timeToBlockExpire: 2,
    });
    jest.setSystemTime(2_005_000);
    expect(await storage.increment('k', 1_000, 1, 5_000, 'default')).toMatchObject({
      isBlocked: false,
      totalHits: 1,
    });
  });

  it('forgets the windows that have ended', async () => {
    jest.useFakeTimers({ now: 3_000_000 });
    const storage = new MemoryThrottlerStorage();
    for (let i = 0; i < 100; i++) await storage.increment(`k${i}`, 1_000, 5, 1_000, 'default');
    jest.setSystemTime(3_002_000);
    await storage.increment('fresh', 1_000, 5, 1_000, 'default');
    expect((storage as unknown as { windows: Map<string, unknown> }).windows.size).toBe(1);
  });
});
