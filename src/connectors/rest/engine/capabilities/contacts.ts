import { AccountRef, ContactBatch, ContactQuery, ContactRecord, ResumeState } from '../../../ports';
import { InvalidPositionError, RetryableUpstreamError, UpstreamError } from '../../../ports/errors';
import { Scope, toContact } from '../mapper';
import { initialState, isPageState, PageState, stateKey } from '../paginators';
import { RestAccount, restAccount } from '../rest-account';
import { Page, RestClient } from '../rest-client';
import { checkedResume, recentIds, REPEATED_PAGE } from '../resume';
import { Enricher } from '../records/enrichment';
import { listIncremental } from './contacts-incremental';
import { CompiledStream } from '../../manifest/compiled';
import { listSlices } from './contacts-slices';

/** Contacts' paging state carried in next_offset (full syncs). */
interface FullResume {
  s: PageState;
  /** Records of that page already handed out. */
  k: number;
  /** Ids handed out last: an upstream listing a record again soon after is not repeated. */
  d?: string[];
  /** The id of that page as this batch kept it (page-carry.ts): not read again when found. */
  c?: string;
}

/**
 * Contact synchronization: in ascending update time from an upstream that can list changes
 * (`contacts.incremental`, contacts-incremental.ts), else in the upstream's own order; full
 * syncs of a manifest with `contacts.full_sync` in the upstream's own order, from that listing.
 */
export class ContactsCapability {
  private readonly enricher?: Enricher;

  constructor(private readonly client: RestClient) {
    const enrichments = client.manifest.contacts?.enrichments;
    if (enrichments?.length) this.enricher = new Enricher(client, enrichments);
  }

  async listContacts(
    account: AccountRef,
    query: ContactQuery,
    signal: AbortSignal,
  ): Promise<ContactBatch> {
    const contacts = this.client.manifest.contacts;
    if (!contacts) throw new UpstreamError('This connector’s manifest has no contacts section');
    const acc = restAccount(account);
    // Kept slices handed out in this batch: forgotten once it is answered, not before.
    const settled: string[] = [];
    const enrich = (records: ContactRecord[], pacingReserveMs?: number) =>
      this.enricher?.enrich(acc, records, signal, pacingReserveMs) ?? Promise.resolve();
    const sliced = !query.unordered && !!contacts.incremental?.slice;
    const batch = query.unordered
      ? await this.listFull(acc, contacts.fullSync ?? contacts, query, signal)
      : sliced
        ? await listSlices(this.client, acc, contacts, query, signal, settled, enrich)
        : contacts.incremental
          ? await listIncremental(this.client, acc, contacts, query, signal)
          : await this.listFull(acc, contacts, query, signal);
    if (!sliced) await enrich(batch.records);
    for (const id of settled) await this.client.carry.release(acc, id);
    // The pages this batch started from are done with once it is answered: a batch that kept
    // the rest again replaced them already; else they are deleted here, on every replica.
    const from = carryOf(query.resume);
    if (!sliced && from !== undefined && carryOf(batch.resume) === undefined) {
      await this.client.carry.release(acc, from);
    }
    // Only a count worth telling travels in the batch.
    if (!batch.filtered) delete batch.filtered;
    return batch;
  }

  /** Contacts in the upstream's own order, for an upstream that cannot filter by update time. */
  private async listFull(
    account: RestAccount,
    contacts: CompiledStream,
    query: ContactQuery,
    signal: AbortSignal,
  ): Promise<ContactBatch> {
    const r = query.resume as Partial<FullResume> | undefined;
    const valid =
      !!r &&
      typeof r === 'object' &&
      isPageState(r.s) &&
      Number.isSafeInteger(r.k) &&
      (r.k ?? -1) >= 0;
    // A position or a paging state of another kind is not a place in this listing.
    if (!valid && (query.after || query.resume !== undefined)) {
      throw new InvalidPositionError(
        'This offset does not carry the external system’s paging state: restart the synchronization without an offset',
      );
    }
    let state: PageState = valid ? r.s! : initialState(contacts.paginator);
    let skip = valid ? r.k! : 0;
    const seen = new Set([stateKey(state)]);
    const records: ContactRecord[] = [];
    const previous =
      valid && Array.isArray(r.d) ? r.d.filter((id): id is string => typeof id === 'string') : [];
    const ids = new Set<string>(previous);
    const carried = valid ? r.c : undefined;
    const resumeAt = (at: Omit<FullResume, 'd'>): ResumeState =>
      checkedResume({ ...at, d: recentIds([...previous, ...records.map((c) => c.id)]) });
    const scope: Scope = { auth: account.auth, limit: query.limit };
    let filtered = 0;
    let slowest = 0;
    for (let pages = 0; ;) {
      const started = performance.now();
      let page: Page;
      try {
        page = await this.client.readPage(account, contacts, scope, state, signal, 'contacts', {
          carried,
          ...(records.length > 0 && { pacingReserveMs: this.client.pageReserveMs(slowest) }),
        });
      } catch (error) {
        // Stopped by the pacing or a rate limit (a 429): the pages read are answered whole, the
        // next batch starts at this one.
        if (!(error instanceof RetryableUpstreamError) || records.length === 0) throw error;
        return { records, hasMore: true, resume: resumeAt({ s: state, k: skip }), filtered };
      }
      if (!page.carried) slowest = Math.max(slowest, performance.now() - started);
      pages++;
      filtered += page.filtered;
      const mapped = await this.client.mapAll('contacts', page.records, skip, (rec) =>
        toContact(contacts.fields, rec, { auth: account.auth }, false),
      );
      for (const { index, value } of mapped) {
        if (value && !ids.has(value.id)) {
          ids.add(value.id);
          records.push(value);
        }
        if (records.length >= query.limit) {
          if (index + 1 >= page.records.length && !page.next)
            return { records, hasMore: false, filtered };
          if (index + 1 >= page.records.length) {
            return { records, hasMore: true, resume: resumeAt({ s: page.next!, k: 0 }), filtered };
          }
          // The rest of this page waits for the next batch, kept rather than read again.
          const c = await this.client.keepPages(account, [{ state, page }], carried);
          const at = { s: state, k: index + 1, ...(c && { c }) };
          return { records, hasMore: true, resume: resumeAt(at), filtered };
        }
      }
      if (!page.next) return { records, hasMore: false, filtered };
      const key = stateKey(page.next);
      if (seen.has(key)) throw new UpstreamError(REPEATED_PAGE);
      seen.add(key);
      state = page.next;
      skip = 0;
      const late = records.length > 0 && !this.client.timeForAnotherPage(signal, slowest);
      if (pages >= this.client.manifest.maxPagesPerCall || late) {
        return { records, hasMore: true, resume: resumeAt({ s: state, k: 0 }), filtered };
      }
    }
  }
}

/** The id of the kept pages a paging state names (`c`, full and incremental alike). */
function carryOf(resume: ResumeState | undefined): string | undefined {
  const c = (resume as { c?: unknown } | undefined)?.c;
  return typeof c === 'string' ? c : undefined;
}
