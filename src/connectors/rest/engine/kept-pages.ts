import { createHash } from 'node:crypto';
import { SharedPages } from '../../ports/shared-pages';
import { DEFAULT_CARRY_BYTES, DEFAULT_CARRY_TTL_MS, PageCarry } from './page-carry';
import { RestAccount } from './rest-account';

/** Most entries whose shared keys a replica remembers, to delete them when they are done. */
const MAX_TRACKED_ENTRIES = 10_000;

/**
 * The pages kept for a run's next batch (page-carry.ts), in this replica's memory and, when
 * the store is shared (Redis), there too: a next_offset served by another replica then finds
 * them rather than reading them again from the upstream. Each page is a key of its own, named
 * by a digest of the account's key, the entry's id and the page's state (so one account's id
 * never names another's pages), living as long as the entry in memory and bounded the same
 * way (an entry over a quarter of the memory bound is kept nowhere). A page whose text holds
 * one of the account's secrets (an upstream echoing a token in a next link) stays in memory
 * only. The shared store failing costs a request to the upstream, never a batch.
 */
/** What is kept: a page of records (rest-client.ts's Page), as JSON. */
interface KeptPage {
  records: unknown[];
}

export class KeptPages<Page extends KeptPage> {
  private readonly local: PageCarry<Page>;
  /** The shared keys of each entry this replica wrote or read, by account and id. */
  private readonly tracked = new Map<string, Set<string>>();

  constructor(
    private readonly shared?: SharedPages,
    private readonly onSharedError: (error: unknown) => void = () => undefined,
    maxBytes = DEFAULT_CARRY_BYTES,
    private readonly ttlMs = DEFAULT_CARRY_TTL_MS,
    now?: () => number,
  ) {
    this.local = new PageCarry<Page>(maxBytes, ttlMs, now);
  }

  /** PageCarry.keep, shared. */
  async keep(
    account: RestAccount,
    items: [string, Page][],
    bytes: number,
    replaces?: string,
  ): Promise<string | undefined> {
    if (replaces !== undefined) await this.forget(account, replaces);
    const id = this.local.keep(account.key, items, bytes, replaces);
    if (id !== undefined) for (const [key, page] of items) await this.share(account, id, key, page);
    return id;
  }

  /** PageCarry.add, shared. */
  async add(account: RestAccount, id: string, key: string, page: Page, bytes: number) {
    if (this.local.add(account.key, id, key, page, bytes)) await this.share(account, id, key, page);
  }

  /** PageCarry.release, shared. */
  async release(account: RestAccount, id: string): Promise<void> {
    this.local.release(account.key, id);
    await this.forget(account, id);
  }

  /** PageCarry.take; else, with a shared store, what another replica kept. */
  async take(account: RestAccount, id: unknown, key: string): Promise<Page | undefined> {
    const kept = this.local.take(account.key, id, key);
    if (kept || !this.shared || typeof id !== 'string' || id.length > 200) return kept;
    const name = sharedKey(account, id, key);
    let text: string | null;
    try {
      text = await this.shared.get(name);
    } catch (error) {
      this.onSharedError(error);
      return undefined;
    }
    if (text === null) return undefined;
    const page = parsePage<Page>(text);
    if (!page) return undefined;
    this.track(account, id, name);
    return page;
  }

  clear(): void {
    this.local.clear();
    this.tracked.clear();
  }

  private async share(account: RestAccount, id: string, key: string, page: Page): Promise<void> {
    if (!this.shared) return;
    const text = JSON.stringify(page);
    if (account.secrets.mask(text) !== text) return;
    const name = sharedKey(account, id, key);
    try {
      await this.shared.set(name, text, this.ttlMs);
      this.track(account, id, name);
    } catch (error) {
      this.onSharedError(error);
    }
  }

  private track(account: RestAccount, id: string, name: string): void {
    const entry = `${account.key}\n${id}`;
    let names = this.tracked.get(entry);
    if (!names) {
      if (this.tracked.size >= MAX_TRACKED_ENTRIES) {
        this.tracked.delete(this.tracked.keys().next().value!);
      }
      this.tracked.set(entry, (names = new Set()));
    }
    names.add(name);
  }

  /** Deletes the shared pages of the entry this replica knows of (the others expire). */
  private async forget(account: RestAccount, id: string): Promise<void> {
    const entry = `${account.key}\n${id}`;
    const names = this.tracked.get(entry);
    if (!names || !this.shared) return;
    this.tracked.delete(entry);
    try {
      for (const name of names) await this.shared.delete(name);
    } catch (error) {
      this.onSharedError(error);
    }
  }
}

/** The shared key of one kept page: the account's own, whatever the id says. */
function sharedKey(account: RestAccount, id: string, key: string): string {
  return createHash('sha256').update(`${account.key}\n${id}\n${key}`).digest('base64url');
}

function parsePage<Page extends KeptPage>(text: string): Page | undefined {
  try {
    const page = JSON.parse(text) as Page;
    return Array.isArray(page?.records) ? page : undefined;
  } catch {
    return undefined;
  }
}
