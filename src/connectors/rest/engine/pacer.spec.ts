import { TimeBudget } from '../../../common/time-budget';
import { RetryableUpstreamError } from '../../ports/errors';
import { LocalCounters, Pacer, PacerClock, PacingRefusedError } from './pacer';

/** A clock that only moves when the pacer sleeps; it records each wait. */
function fakeClock(start = 1_000_000): PacerClock & { waits: number[]; t: number } {
  const clock = {
    t: start,
    waits: [] as number[],
    now: () => clock.t,
    sleep: (ms: number) => {
      clock.waits.push(ms);
      clock.t += ms;
      return Promise.resolve();
    },
  };
  return clock;
}

describe('Pacer (a manifest’s pacing)', () => {
  const signal = () => new TimeBudget(60_000).signal;

  it('lets `requests` through per interval and makes the next wait for the next window', async () => {
    const clock = fakeClock(1_000_000);
    const pacer = new Pacer({ requests: 3, intervalMs: 1000 }, undefined, clock);
    const admitted: number[] = [];
    for (let i = 0; i < 7; i++) {
      await pacer.acquire('account', signal());
      admitted.push(clock.t);
    }
    expect(admitted).toEqual([
      1_000_000, 1_000_000, 1_000_000, 1_001_000, 1_001_000, 1_001_000, 1_002_000,
    ]);
    expect(clock.waits).toEqual([1000, 1000]);
  });

  it('paces each key (account credentials) on its own', async () => {
    const clock = fakeClock();
    const pacer = new Pacer({ requests: 1, intervalMs: 1000 }, undefined, clock);
    await pacer.acquire('a', signal());
    await pacer.acquire('b', signal());
    expect(clock.waits).toEqual([]);
  });

  it('counts the windows of every pacer sharing the counters (replicas sharing a store)', async () => {
    const clock = fakeClock();
    const shared = new LocalCounters(clock.now);
    const one = new Pacer({ requests: 2, intervalMs: 1000 }, shared, clock);
    const two = new Pacer({ requests: 2, intervalMs: 1000 }, shared, clock);
    await one.acquire('a', signal());
    await two.acquire('a', signal());
    expect(clock.waits).toEqual([]);
    await two.acquire('a', signal());
    expect(clock.waits).toEqual([1000]);
  });

  it('a wait past the request budget is a rate limit saying when to come back', async () => {
    const clock = fakeClock(0);
    const pacer = new Pacer({ requests: 1, intervalMs: 600_000 }, undefined, clock);
    const short = new TimeBudget(1000).signal;
    await pacer.acquire('a', short);
    const error = await pacer.acquire('a', short).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RetryableUpstreamError);
    expect((error as RetryableUpstreamError).code).toBe('upstream_rate_limited');
    expect((error as RetryableUpstreamError).retryAfterMs).toBe(600_000);
  });

  it('does not wait for a window that would leave less of the budget than the caller reserves', async () => {
    const clock = fakeClock(0);
    const pacer = new Pacer({ requests: 1, intervalMs: 1000 }, undefined, clock);
    const budget = new TimeBudget(3000).signal;
    await pacer.acquire('a', budget);
    // A 1 s wait fits a 3 s budget, but not with 2.5 s kept for the page and the answer.
    const error = await pacer.acquire('a', budget, 2500).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PacingRefusedError);
    expect(clock.waits).toEqual([]);
    await pacer.acquire('a', budget, 500);
    expect(clock.waits).toEqual([1000]);
  });

  it('paces this process alone while the shared counters fail', async () => {
    const clock = fakeClock();
    const broken = { increment: () => Promise.reject(new Error('store down')) };
    const pacer = new Pacer({ requests: 1, intervalMs: 1000 }, broken, clock);
    await pacer.acquire('a', signal());
    await pacer.acquire('a', signal());
    expect(clock.waits).toEqual([1000]);
  });
});
