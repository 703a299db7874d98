import type { ThrottlerStorage } from '@nestjs/throttler';

type ThrottlerStorageRecord = Awaited<ReturnType<ThrottlerStorage['increment']>>;

interface Window {
  hits: number;
  /** When the window ends (epoch ms). */
  endsAt: number;
  /** When the block ends (epoch ms); 0 when not blocked. */
  blockedUntil: number;
}

/**
 * Rate-limit counters in this process (no REDIS_URL): the fixed-window counter and block of
 * RedisThrottlerStorage's script, so that both stores count alike. One number per account,
 * webhook and limit: @nestjs/throttler's own memory store keeps the expiry of every hit of the
 * window and copies that list on each request, which at the default limit is up to 6,000 numbers
 * per request (time and garbage that grow with the request rate), where this is one map lookup.
 * Windows that have ended are swept once a window, so the map holds only live accounts.
 */
export class MemoryThrottlerStorage implements ThrottlerStorage {
  private readonly windows = new Map<string, Window>();
  private nextSweep = 0;

  increment(
    key: string,
    ttl: number,
    limit: number,
    blockDuration: number,
    throttlerName: string,
  ): Promise<ThrottlerStorageRecord> {
    const now = Date.now();
    const windowMs = Math.max(1, ttl);
    this.sweep(now, windowMs);
    const id = `${throttlerName}:${key}`;
    let window = this.windows.get(id);
    if (!window || (window.endsAt <= now && window.blockedUntil <= now)) {
      window = { hits: 0, endsAt: now + windowMs, blockedUntil: 0 };
      this.windows.set(id, window);
    } else if (window.endsAt <= now) {
      // Still blocked past its window: the count starts again, the block stays.
      window.hits = 0;
      window.endsAt = now + windowMs;
    }
    window.hits += 1;
    const timeToExpire = Math.ceil((window.endsAt - now) / 1000);
    if (window.blockedUntil > now) {
      return Promise.resolve({
        totalHits: window.hits,
        timeToExpire,
        isBlocked: true,
        timeToBlockExpire: Math.ceil((window.blockedUntil - now) / 1000),
      });
    }
    if (window.hits > limit) {
      const blockMs = Math.max(1, blockDuration);
      window.blockedUntil = now + blockMs;
      return Promise.resolve({
        totalHits: window.hits,
        timeToExpire,
        isBlocked: true,
        timeToBlockExpire: Math.ceil(blockMs / 1000),
      });
    }
    return Promise.resolve({
      totalHits: window.hits,
      timeToExpire,
      isBlocked: false,
      timeToBlockExpire: 0,
    });
  }

  /** Drops the windows (and blocks) that have ended, at most once per window length. */
  private sweep(now: number, windowMs: number): void {
    if (now < this.nextSweep) return;
    this.nextSweep = now + windowMs;
    for (const [id, window] of this.windows) {
      if (window.endsAt <= now && window.blockedUntil <= now) this.windows.delete(id);
    }
  }
}
