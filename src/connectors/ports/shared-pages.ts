/**
 * Where the REST connector keeps upstream pages a batch read but did not hand out whole, so
 * that the replica serving the next batch of the run finds them (page-carry.ts): bound by the
 * store module to Redis when REDIS_URL is set, and not bound without it (each replica keeps
 * its own in memory). An abstract class, so it is also the injection token.
 *
 * Pages are kept by entry (the pages one batch kept for the next): any replica can drop an
 * entry whole by its name, so the one that consumes it deletes it, whichever one wrote it.
 */
export abstract class SharedPages {
  /** One page of the entry, or null when the entry or the page is not there. */
  abstract get(entry: string, page: string): Promise<string | null>;
  /**
   * Adds a page to the entry and sets the entry to expire `ttlMs` from now, as one atomic
   * step (no entry ever lives without an expiry); false when the entry would then hold more
   * than the store's bound, and nothing is added.
   */
  abstract put(entry: string, page: string, value: string, ttlMs: number): Promise<boolean>;
  /** Deletes the entry with every page in it (absent or not). */
  abstract drop(entry: string): Promise<void>;
}

/** Most bytes of page text one shared entry holds, whatever replicas add to it. */
export const MAX_SHARED_ENTRY_BYTES = 16 * 1024 * 1024;
