import { randomBytes } from 'node:crypto';

/**
 * Upstream pages a batch read but did not hand out whole, kept for the batch that continues
 * the run. Talkdesk's page and the upstream's rarely line up (200 a HubSpot search page, 250 a
 * Talkdesk page; 5,000 a Dataverse page, at most 1,000 a Talkdesk page): without this, every
 * Talkdesk page that starts inside an upstream page reads that page again. next_offset still
 * carries the whole upstream position (the page's cursor, link or number, and the place inside
 * it), so a batch that finds nothing here (another replica without a shared store: see
 * kept-pages.ts; a restart, an entry expired or pushed out) reads the page again from the
 * upstream: one request more, never a record lost.
 *
 * Entries are the account's own (looked up with the account's key as well as the id, which
 * itself travels inside the signed next_offset), live for `ttlMs`, and are bounded in total
 * size: the oldest go first.
 */
export class PageCarry<T> {
  private readonly entries = new Map<
    string,
    { account: string; items: Map<string, T>; bytes: number; expires: number }
  >();
  private bytes = 0;

  constructor(
    private readonly maxBytes = DEFAULT_CARRY_BYTES,
    private readonly ttlMs = DEFAULT_CARRY_TTL_MS,
    private readonly now: () => number = Date.now,
  ) {}

  /**
   * Keeps `items` (keyed by their page state) for the account's next batch; returns the id
   * that batch asks with, or undefined when they are too large to keep. `replaces` is the
   * entry this batch started from: it is not needed any more.
   */
  keep(
    account: string,
    items: Iterable<[string, T]>,
    bytes: number,
    replaces?: string,
  ): string | undefined {
    if (replaces !== undefined) this.drop(replaces);
    const kept = new Map(items);
    if (kept.size === 0 || bytes > this.maxBytes / 4) return undefined;
    this.sweep();
    while (this.bytes + bytes > this.maxBytes && this.entries.size > 0) {
      this.drop(this.entries.keys().next().value!);
    }
    const id = randomBytes(12).toString('base64url');
    this.entries.set(id, { account, items: kept, bytes, expires: this.now() + this.ttlMs });
    this.bytes += bytes;
    return id;
  }

  /**
   * Adds one item to the entry `id` names (made when missing): an id the caller derives from
   * what it reads (a date-range slice of one run), so that an attempt made again after a
   * failure finds what the failed one read. Past the size bound, nothing is added (false).
   */
  add(account: string, id: string, key: string, item: T, bytes: number): boolean {
    this.sweep();
    let entry = this.entries.get(id);
    if (entry && entry.account !== account) return false;
    if ((entry?.bytes ?? 0) + bytes > this.maxBytes / 4) return false;
    for (const other of this.entries.keys()) {
      if (this.bytes + bytes <= this.maxBytes) break;
      if (other !== id) this.drop(other);
    }
    if (!entry) {
      entry = { account, items: new Map(), bytes: 0, expires: 0 };
      this.entries.set(id, entry);
    }
    entry.items.set(key, item);
    entry.bytes += bytes;
    entry.expires = this.now() + this.ttlMs;
    this.bytes += bytes;
    return true;
  }

  /** Forgets the account's entry `id` (what it held was handed out). */
  release(account: string, id: string): void {
    if (this.entries.get(id)?.account === account) this.drop(id);
  }

  /** The item kept under `id` for this page state, if the entry is the account's and alive. */
  take(account: string, id: unknown, key: string): T | undefined {
    if (typeof id !== 'string') return undefined;
    const entry = this.entries.get(id);
    if (!entry || entry.account !== account) return undefined;
    if (entry.expires <= this.now()) {
      this.drop(id);
      return undefined;
    }
    return entry.items.get(key);
  }

  clear(): void {
    this.entries.clear();
    this.bytes = 0;
  }

  private drop(id: string): void {
    const entry = this.entries.get(id);
    if (!entry) return;
    this.entries.delete(id);
    this.bytes -= entry.bytes;
  }

  private sweep(): void {
    const now = this.now();
    for (const [id, entry] of this.entries) if (entry.expires <= now) this.drop(id);
  }
}

/** All kept pages together, at most; an entry above a quarter of it is not kept. */
export const DEFAULT_CARRY_BYTES = 64 * 1024 * 1024;
/** Talkdesk asks for the next page at once: an entry older than this is not waited for. */
export const DEFAULT_CARRY_TTL_MS = 120_000;
/** Longest carry id read back from next_offset. */
export const CARRY_ID_CHARS = 16;
