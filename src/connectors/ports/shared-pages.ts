/**
 * Where the REST connector keeps upstream pages a batch read but did not hand out whole, so
 * that the replica serving the next batch of the run finds them (page-carry.ts): bound by the
 * store module to Redis when REDIS_URL is set, and not bound without it (each replica keeps
 * its own in memory). An abstract class, so it is also the injection token.
 */
export abstract class SharedPages {
  abstract get(key: string): Promise<string | null>;
  abstract set(key: string, value: string, ttlMs: number): Promise<void>;
  abstract delete(key: string): Promise<void>;
}
