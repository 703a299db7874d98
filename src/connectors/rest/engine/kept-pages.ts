import { createHash } from 'node:crypto';
import { SharedPages } from '../../ports/shared-pages';
import { DEFAULT_CARRY_BYTES, DEFAULT_CARRY_TTL_MS, PageCarry } from './page-carry';
import { RestAccount } from './rest-account';

/**
 * The pages kept for a run's next batch (page-carry.ts), in this replica's memory and, when
 * the store is shared (Redis), there too: a next_offset served by another replica then finds
 * them rather than reading them again from the upstream. Each entry is one shared key, named
 * by a digest of the account's key and the entry's id (so one account's id never names
 * another's pages), holding its pages by a digest of their state, living as long as the entry
 * in memory and bounded the same way (an entry over a quarter of the memory bound is kept
 * nowhere). Whichever replica is done with an entry (it kept the rest again, or handed it all
 * out) deletes the shared key whole, whoever wrote it. A page whose text holds one of the
 * account's secrets (an upstream echoing a token in a next link) stays in memory only. The
 * shared store failing costs a request to the upstream, never a batch.
 */
/** What is kept: a page of records (rest-client.ts's Page), as JSON. */
interface KeptPage {
  records: unknown[];
}

export class KeptPages<Page extends KeptPage> {
  private readonly local: PageCarry<Page>;

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
    if (id === undefined) return undefined;
    for (const [key, page] of items) if (!(await this.share(account, id, key, page))) break;
    return id;
  }

  /** PageCarry.add, shared. */
  async add(account: RestAccount, id: string, key: string, page: Page, bytes: number) {
    if (this.local.add(account.key, id, key, page, bytes)) await this.share(account, id, key, page);
  }

  /** PageCarry.release, shared: the entry is deleted from the store, whoever wrote it. */
  async release(account: RestAccount, id: string): Promise<void> {
    this.local.release(account.key, id);
    await this.forget(account, id);
  }

  /** PageCarry.take; else, with a shared store, what another replica kept. */
  async take(account: RestAccount, id: unknown, key: string): Promise<Page | undefined> {
    const kept = this.local.take(account.key, id, key);
    if (kept || !this.shared || typeof id !== 'string' || id.length > 200) return kept;
    let text: string | null;
    try {
      text = await this.shared.get(entryName(account, id), pageName(key));
    } catch (error) {
      this.onSharedError(error);
      return undefined;
    }
    return text === null ? undefined : parsePage<Page>(text);
  }

  clear(): void {
    this.local.clear();
  }

  /** Shares one page of the entry; false when the store refused it or failed. */
  private async share(account: RestAccount, id: string, key: string, page: Page): Promise<boolean> {
    if (!this.shared) return false;
    const text = JSON.stringify(page);
    if (account.secrets.mask(text) !== text) return true;
    try {
      return await this.shared.put(entryName(account, id), pageName(key), text, this.ttlMs);
    } catch (error) {
      this.onSharedError(error);
      return false;
    }
  }

  private async forget(account: RestAccount, id: string): Promise<void> {
    if (!this.shared) return;
    try {
      await this.shared.drop(entryName(account, id));
    } catch (error) {
      this.onSharedError(error);
    }
  }
}

/** The shared name of one entry: the account's own, whatever the id says. */
function entryName(account: RestAccount, id: string): string {
  return createHash('sha256').update(`${account.key}\n${id}`).digest('base64url');
}

/** A page's name inside its entry (a page state may be a long URL). */
function pageName(key: string): string {
  return createHash('sha256').update(key).digest('base64url');
}

function parsePage<Page extends KeptPage>(text: string): Page | undefined {
  try {
    const page = JSON.parse(text) as Page;
    return Array.isArray(page?.records) ? page : undefined;
  } catch {
    return undefined;
  }
}
