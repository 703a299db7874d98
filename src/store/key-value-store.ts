import { BridgeError } from '../talkdesk/contract/errors';

/**
 * A small key-value store with expiry and the atomic operations idempotency records, caches
 * and counters need. Values are strings; every key expires.
 */
export abstract class KeyValueStore {
  abstract get(key: string): Promise<string | null>;
  abstract set(key: string, value: string, ttlMs: number): Promise<void>;
  /** Sets the key only when it is absent, atomically; true when this call set it (Redis SET NX PX). */
  abstract setIfAbsent(key: string, value: string, ttlMs: number): Promise<boolean>;
  /** Replaces the value only while it still equals `expected`, atomically. */
  abstract replaceIfEquals(
    key: string,
    expected: string,
    value: string,
    ttlMs: number,
  ): Promise<boolean>;
  /** Deletes the key only while its value equals `expected`, atomically. */
  abstract deleteIfEquals(key: string, expected: string): Promise<boolean>;
  /** Deletes the key (absent or not). */
  abstract delete(key: string): Promise<void>;
  /** Adds one to a counter (absent counts as 0), sets its expiry, and answers the new value. */
  abstract increment(key: string, ttlMs: number): Promise<number>;
}

export interface StoreOptions {
  /** Memory stores keep at most this many keys, dropping the oldest first. */
  maxEntries: number;
}

/**
 * Opens one store per purpose (idempotency, caches), each in its own namespace: in memory by
 * default, in Redis when REDIS_URL is set so that every replica sees the same records.
 */
export abstract class KeyValueStores {
  /** True when the stores are shared by every replica (Redis). */
  abstract readonly shared: boolean;
  abstract open(namespace: string, options: StoreOptions): KeyValueStore;
}

/** The shared store did not answer (Redis down or too slow): `store_unavailable` (503). */
export class StoreUnavailableError extends BridgeError {
  constructor(message?: string, options: { cause?: unknown } = {}) {
    super('store_unavailable', message, options);
  }
}
