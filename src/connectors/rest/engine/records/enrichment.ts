import { ContactRecord } from '../../../ports';
import { CompiledEnrichment } from '../../manifest/compiled';
import { textOf } from '../../manifest/template';
import { RestAccount } from '../rest-account';
import { RestClient } from '../rest-client';

/**
 * Enrichment lookups (`contacts.enrich`): a contact field whose value the list only gives as a
 * reference (Freshdesk's `company_id`, Pipedrive's `org_id`) is replaced by what a second
 * request answers (the company's name). Answers are cached per account, bounded in count, so a
 * run asks for each company once; a reference the upstream does not know becomes no value,
 * never the raw id.
 */

/** A bounded map with least-recently-used eviction. */
export class BoundedCache<V> {
  private readonly entries = new Map<string, { value: V; at: number }>();

  constructor(
    private readonly size: number,
    private readonly ttlMs: number,
    private readonly clock: () => number = Date.now,
  ) {}

  get(key: string): V | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    this.entries.delete(key);
    if (this.clock() - entry.at > this.ttlMs) return undefined;
    this.entries.set(key, entry);
    return entry.value;
  }

  set(key: string, value: V): void {
    this.entries.delete(key);
    this.entries.set(key, { value, at: this.clock() });
    while (this.entries.size > this.size) {
      this.entries.delete(this.entries.keys().next().value as string);
    }
  }

  get count(): number {
    return this.entries.size;
  }
}

/** How long an answer stays valid: about a sync run. */
const TTL_MS = 15 * 60_000;

export class Enricher {
  private readonly caches = new Map<string, BoundedCache<string | null>>();

  constructor(
    private readonly client: RestClient,
    private readonly enrichments: readonly CompiledEnrichment[],
  ) {
    for (const e of enrichments) this.caches.set(e.field, new BoundedCache(e.cacheSize, TTL_MS));
  }

  /**
   * Replaces each enriched field of `records` in place; `pacingReserveMs`: what a pacing wait
   * must leave of the budget (see ExchangeOptions).
   */
  async enrich(
    account: RestAccount,
    records: ContactRecord[],
    signal: AbortSignal,
    pacingReserveMs?: number,
  ): Promise<void> {
    for (const e of this.enrichments) {
      const cache = this.caches.get(e.field)!;
      const pending = new Map<string, Promise<string | null>>();
      let requests = 0;
      let skipped = 0;
      for (const record of records) {
        const reference = record[e.field];
        if (reference === undefined || reference === null || reference === '') continue;
        const key = `${account.key}\n${textOf(reference)}`;
        const cached = cache.get(key);
        if (cached !== undefined) {
          record[e.field] = cached;
          continue;
        }
        let answer = pending.get(key);
        if (!answer) {
          if (requests >= e.maxRequests) {
            record[e.field] = null;
            skipped++;
            continue;
          }
          requests++;
          answer = this.lookup(account, e, reference, signal, pacingReserveMs).then((value) => {
            cache.set(key, value);
            return value;
          });
          pending.set(key, answer);
        }
        record[e.field] = await answer;
      }
      if (skipped > 0) {
        this.client.logger.warn(
          `${e.where}: ${skipped} contact(s) left without ${e.field}: more than ${e.maxRequests} lookups in one call`,
        );
      }
    }
  }

  private async lookup(
    account: RestAccount,
    e: CompiledEnrichment,
    reference: unknown,
    signal: AbortSignal,
    pacingReserveMs?: number,
  ): Promise<string | null> {
    const answer = await this.client.exchange(
      account,
      e.request,
      { auth: account.auth, value: reference },
      signal,
      { label: `${e.field} lookup`, accept: e.notFound, pacingReserveMs },
    );
    if (e.notFound.has(answer.status)) return null;
    const value = e.value.get(answer.body);
    const text = value === undefined || value === null ? '' : textOf(value).trim();
    return text === '' ? null : text;
  }
}
