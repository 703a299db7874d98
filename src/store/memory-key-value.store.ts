import { KeyValueStore, KeyValueStores, StoreOptions } from './key-value-store';

interface Entry {
  value: string;
  expiresAt: number;
}

/** A KeyValueStore in this process's memory, bounded; operations are atomic as Node runs them on one thread. */
export class MemoryKeyValueStore extends KeyValueStore {
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly maxEntries: number,
    private readonly now: () => number = Date.now,
  ) {
    super();
  }

  get size(): number {
    return this.entries.size;
  }

  private live(key: string): Entry | undefined {
    const entry = this.entries.get(key);
    if (entry && entry.expiresAt <= this.now()) {
      this.entries.delete(key);
      return undefined;
    }
    return entry;
  }

  private put(key: string, value: string, ttlMs: number): void {
    this.entries.delete(key);
    this.entries.set(key, { value, expiresAt: this.now() + ttlMs });
    if (this.entries.size > this.maxEntries) this.evict();
  }

  /** Drops expired entries, then the oldest ones, until a tenth of the room is free again. */
  private evict(): void {
    const now = this.now();
    for (const [key, entry] of this.entries) {
      if (entry.expiresAt <= now) this.entries.delete(key);
    }
    const target = Math.floor(this.maxEntries * 0.9);
    for (const key of this.entries.keys()) {
      if (this.entries.size <= target) break;
      this.entries.delete(key);
    }
  }

  get(key: string): Promise<string | null> {
    return Promise.resolve(this.live(key)?.value ?? null);
  }

  set(key: string, value: string, ttlMs: number): Promise<void> {
    this.put(key, value, ttlMs);
    return Promise.resolve();
  }

  setIfAbsent(key: string, value: string, ttlMs: number): Promise<boolean> {
    if (this.live(key)) return Promise.resolve(false);
    this.put(key, value, ttlMs);
    return Promise.resolve(true);
  }

  replaceIfEquals(key: string, expected: string, value: string, ttlMs: number): Promise<boolean> {
    if (this.live(key)?.value !== expected) return Promise.resolve(false);
    this.put(key, value, ttlMs);
    return Promise.resolve(true);
  }

  deleteIfEquals(key: string, expected: string): Promise<boolean> {
    if (this.live(key)?.value !== expected) return Promise.resolve(false);
    this.entries.delete(key);
    return Promise.resolve(true);
  }

  delete(key: string): Promise<void> {
    this.entries.delete(key);
    return Promise.resolve();
  }

  increment(key: string, ttlMs: number): Promise<number> {
    const next = Number(this.live(key)?.value ?? 0) + 1;
    this.put(key, String(next), ttlMs);
    return Promise.resolve(next);
  }
}

export class MemoryKeyValueStores extends KeyValueStores {
  readonly shared = false;
  private readonly stores = new Map<string, MemoryKeyValueStore>();

  open(namespace: string, options: StoreOptions): KeyValueStore {
    let store = this.stores.get(namespace);
    if (!store) {
      store = new MemoryKeyValueStore(options.maxEntries);
      this.stores.set(namespace, store);
    }
    return store;
  }
}
