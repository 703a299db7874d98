import { Injectable, Logger, Optional } from '@nestjs/common';
import { canonicalJson, digest } from '../common/canonical-json';
import { AppConfig } from '../config/app-config';
import { AccountRef } from '../connectors/ports';
import { MetricsService } from '../metrics/metrics.service';
import { KeyValueStore, KeyValueStores } from '../store/key-value-store';
import { TalkdeskInteraction } from '../talkdesk/contract/interactions';

/**
 * Opt-in cache of interaction retrieval answers (INTERACTIONS_CACHE_SECONDS), keyed by the
 * account (AccountRef.key, hashed) and the canonical request, so one account never reads
 * another's entries. Each account has a generation number that successful actions bump: entries
 * of older generations are never read again and simply expire. Failures of the store count as
 * misses: the cache only ever saves work.
 */
@Injectable()
export class InteractionsCache {
  private readonly logger = new Logger(InteractionsCache.name);
  private readonly store: KeyValueStore;
  private readonly ttlMs: number;

  constructor(
    stores: KeyValueStores,
    config: AppConfig,
    @Optional() private readonly metrics: MetricsService = MetricsService.disabled(),
  ) {
    this.store = stores.open('interactions', { maxEntries: 10_000 });
    this.ttlMs = config.interactionsCacheSeconds * 1000;
  }

  get enabled(): boolean {
    return this.ttlMs > 0;
  }

  /** The cached answer, or null; `key` is where to remember the fresh answer. */
  async lookup(
    account: AccountRef,
    request: unknown,
  ): Promise<{ key: string; hit: TalkdeskInteraction[] | null }> {
    const scope = digest(account.key);
    const generation = await this.safely(() => this.store.get(`${scope}:generation`), null);
    const key = `${scope}:${generation ?? 0}:${digest(canonicalJson(request))}`;
    const cached = await this.safely(() => this.store.get(key), null);
    this.metrics.cacheLookup('interactions', cached !== null);
    return { key, hit: cached === null ? null : readEntry(cached) };
  }

  async remember(key: string, interactions: TalkdeskInteraction[]): Promise<void> {
    await this.safely(
      () => this.store.set(key, JSON.stringify(interactions), this.ttlMs),
      undefined,
    );
  }

  /** Makes every cached answer of the account unreadable (after an action changed its data). */
  async invalidate(account: AccountRef): Promise<void> {
    if (!this.enabled) return;
    // The generation must outlive the entries written under the previous one.
    const lifetime = 2 * this.ttlMs + 60_000;
    await this.safely(
      () => this.store.increment(`${digest(account.key)}:generation`, lifetime),
      undefined,
    );
  }

  private async safely<T>(operation: () => Promise<T>, fallback: T): Promise<T> {
    try {
      return await operation();
    } catch (error) {
      this.logger.warn(`Interactions cache unavailable: ${String(error)}`);
      return fallback;
    }
  }
}

/** A cached answer, or null (a miss) when the entry is not one. */
function readEntry(text: string): TalkdeskInteraction[] | null {
  try {
    const value: unknown = JSON.parse(text);
    return Array.isArray(value) ? (value as TalkdeskInteraction[]) : null;
  } catch {
    return null;
  }
}
