/**
 * Counters with expiry the REST connector paces its requests with (`pacing` in a manifest):
 * bound by the store module to the key-value store (Redis when REDIS_URL is set, so that every
 * replica counts in the same windows); an abstract class, so it is also the injection token.
 */
export abstract class PacingCounters {
  /** Adds one to a counter (absent counts as 0), sets its expiry, and answers the new value. */
  abstract increment(key: string, ttlMs: number): Promise<number>;
}
