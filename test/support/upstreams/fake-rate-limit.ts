/**
 * A sliding-window request counter, keyed (per token, per user): what the vendor stand-ins use to
 * play their documented rate limits. `now` is injectable so that a spec can walk the window
 * without waiting.
 */
export class SlidingWindowLimit {
  private readonly hits = new Map<string, number[]>();

  constructor(
    /** Requests allowed in one window; Infinity turns the limit off. */
    public limit: number,
    readonly windowMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Counts a request for `key`: allowed, or refused with the time until one more would be. */
  take(
    key: string,
  ): { allowed: true; remaining: number } | { allowed: false; retryAfterMs: number } {
    const now = this.now();
    const recent = (this.hits.get(key) ?? []).filter((t) => t > now - this.windowMs);
    if (recent.length >= this.limit) {
      this.hits.set(key, recent);
      return { allowed: false, retryAfterMs: recent[0] + this.windowMs - now };
    }
    recent.push(now);
    this.hits.set(key, recent);
    return { allowed: true, remaining: this.limit - recent.length };
  }

  reset(): void {
    this.hits.clear();
  }
}
