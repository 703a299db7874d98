import type { ThrottlerStorage } from '@nestjs/throttler';

/**
 * What every rate-limit store must answer, so that the memory and Redis stores count alike: four
 * hits of a limit of 3 in a 60 s window, the fourth blocked for the 30 s block duration.
 */
export async function expectFixedWindowCounting(storage: ThrottlerStorage): Promise<void> {
  const hits = [];
  for (let i = 0; i < 4; i++) hits.push(await storage.increment('k', 60_000, 3, 30_000, 'default'));
  expect(hits.map((h) => h.totalHits)).toEqual([1, 2, 3, 4]);
  expect(hits.map((h) => h.isBlocked)).toEqual([false, false, false, true]);
  expect(hits[3].timeToBlockExpire).toBe(30);
  expect(hits[0].timeToExpire).toBeGreaterThan(0);
  expect(hits[0].timeToExpire).toBeLessThanOrEqual(60);
}
