import { Injectable, Logger, Optional } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { UpstreamError, UpstreamUnavailableError } from '../connectors/ports/errors';
import {
  AuthFields,
  ConnectorPort,
  ContactPosition,
  ContactRecord,
  ContactsPort,
  ResumeState,
} from '../connectors/ports';
import { MetricsService } from '../metrics/metrics.service';
import { AccountResolver } from '../talkdesk/account-resolver.service';
import { OUT_OF_TIME, PageFiller } from '../talkdesk/page-filler';
import { TimeBudget } from '../common/time-budget';
import { BridgeError } from '../talkdesk/contract/errors';
import { TokenScope, TokenSigner } from '../talkdesk/token-codec';
import {
  decodeCheckpoint,
  decodeContext,
  decodeOffsetState,
  encodeCheckpoint,
  encodeContext,
  encodeOffsetState,
  SyncRun,
  unorderedRunTokens,
} from './contact-sync-tokens';
import { checkContactOrder } from './contact-order-guard';
import { PhoneStats, TalkdeskContact, toTalkdeskContact } from './contact-normalizer';
import { checkpointAfter, positionOf } from './sync-checkpoint';
import { offsetRefused, whyRefused } from './token-refusal';

export interface ContactSyncMeta {
  synchronization_checkpoint?: string | null;
  offset?: string | number | null;
  context?: unknown;
}

export interface ContactSyncPage {
  contacts: TalkdeskContact[];
  next_offset?: string;
  context: string | null;
  synchronization_checkpoint?: string;
}

/** Where this request starts: the run's bounds and the position after the last contact sent. */
interface PageStart {
  run: SyncRun;
  after?: ContactPosition;
  /** The adapter's own paging state, from the previous page's next_offset. */
  resume?: ResumeState;
  /** A full sync in the external system's own order (capabilities.fullSyncOrder). */
  unordered?: boolean;
  /**
   * The run's context as it came, when signed with the current secret: the next pages carry it
   * again as it is (encoding the same run again gives the same token, for one more HMAC).
   */
  context?: string;
}

const isBlank = (v: unknown) => v === undefined || v === null || v === '';

const sameState = (a: ResumeState | undefined, b: ResumeState | undefined) =>
  JSON.stringify(a) === JSON.stringify(b);

/** A batch the upstream's rate limit (or the manifest's pacing) stopped before it read anything. */
const PAUSED = Symbol('paused');
const isPause = (error: unknown) =>
  error instanceof UpstreamUnavailableError ||
  (error instanceof UpstreamError && error.code === 'upstream_rate_limited');

/**
 * Talkdesk's contact synchronization over the contacts port: keyset pages in ascending
 * (updatedAt, id) order, checked batch by batch; a run bounded by the instant it started, at
 * the source's precision; checkpoints that never skip a contact, carrying the instant the run
 * read up to, from which the next sync's look-back is taken; and pages cut short rather than
 * answered late. An adapter's own paging state (ContactBatch.resume) travels inside
 * next_offset. With a connector that can only list every contact (capabilities.contactSync
 * 'full'), every sync is a full sync and no checkpoint is issued, so that no contact is ever
 * skipped. A connector whose full syncs are unordered (capabilities.fullSyncOrder) has them
 * checked for no order; their only checkpoint comes at the end and claims the run's upper bound.
 * docs/contact-sync.md gives the rules and their reasons.
 */
@Injectable()
export class ContactsService {
  private readonly logger = new Logger(ContactsService.name);

  constructor(
    private readonly accounts: AccountResolver,
    private readonly contacts: ContactsPort,
    private readonly config: AppConfig,
    private readonly tokens: TokenSigner,
    @Optional() private readonly connector?: ConnectorPort,
    @Optional() private readonly metrics: MetricsService = MetricsService.disabled(),
  ) {}

  /** The connector cannot filter contacts by update time: every sync is a full one. */
  private get fullSyncOnly(): boolean {
    return this.connector?.capabilities.contactSync === 'full';
  }

  /** Full syncs list contacts in the external system's own order, incremental ones in order. */
  private get unorderedFullSyncs(): boolean {
    return !this.fullSyncOnly && this.connector?.capabilities.fullSyncOrder === 'unordered';
  }

  /** The precision (ms) of the source's update times: 1 unless the connector declares more. */
  private get precisionMs(): number {
    const declared = this.connector?.capabilities.updatedAtPrecisionMs;
    return declared !== undefined && Number.isSafeInteger(declared) && declared > 0 ? declared : 1;
  }

  /** How long the source takes to list a change (ms): 0 unless the connector declares a delay. */
  private get visibilityDelayMs(): number {
    const declared = this.connector?.capabilities.visibilityDelayMs;
    return declared !== undefined && Number.isSafeInteger(declared) && declared > 0 ? declared : 0;
  }

  /**
   * A run's upper bound (inclusive): the start of the last unit of the source's precision that
   * has ended by now (for milliseconds, now itself), less the source's visibility delay. A write
   * later in the current unit is stamped with a time the source cannot tell from the bound, so
   * the whole unit waits for the next run: no contact re-stamped during the run comes back within
   * it. A source that lists changes only after a delay has listed everything up to the bound.
   */
  private runUntil(): number {
    const unit = this.precisionMs;
    return Math.floor((Date.now() - this.visibilityDelayMs + 1) / unit) * unit - unit;
  }

  /** The look-back window (ms): the larger of the setting and the connector's own minimum. */
  private get lookbackMs(): number {
    return Math.max(
      this.config.incrementalLookbackSeconds * 1000,
      this.connector?.capabilities.minimumLookbackMs ?? 0,
    );
  }

  async sync(
    auth: AuthFields,
    meta: ContactSyncMeta | null | undefined,
    budget: TimeBudget,
  ): Promise<ContactSyncPage> {
    const incomingCheckpoint = isBlank(meta?.synchronization_checkpoint)
      ? undefined
      : String(meta?.synchronization_checkpoint);
    const { account } = await this.accounts.resolve(auth, budget);
    // Tokens verify only for the account they were issued to.
    const scope = this.tokens.forAccount(account.key);
    const start = isBlank(meta?.offset)
      ? this.startRun(scope, incomingCheckpoint)
      : this.resumeRun(scope, meta?.offset, meta?.context, incomingCheckpoint);

    const { records, hasMore, last, resume } = await this.collectPage(account, start, budget);

    const contacts: TalkdeskContact[] = [];
    const phones: PhoneStats = { normalized: 0, unparsed: 0 };
    for (const record of records) {
      const contact = toTalkdeskContact(record, this.config.defaultPhoneRegion, phones);
      if (contact) contacts.push(contact);
    }
    if (contacts.length < records.length) {
      this.logger.warn(`Skipped ${records.length - contacts.length} contact(s) without an id`);
      this.metrics.recordsDropped('contact', 'no_id', records.length - contacts.length);
    }
    this.metrics.contactsSynced(contacts.length);
    if (!hasMore && last && !start.unordered) this.metrics.newestContactChange(last.updatedAt);
    this.metrics.phonesProcessed(phones.normalized, phones.unparsed);

    const page: ContactSyncPage = {
      contacts,
      context: hasMore ? (start.context ?? encodeContext(scope, start.run)) : null,
    };
    if (start.unordered)
      return { ...page, ...unorderedRunTokens(scope, start.run, hasMore, resume) };
    if (hasMore && (last || resume !== undefined)) {
      page.next_offset = encodeOffsetState(scope, { after: last, resume });
    }
    // Without an update-time filter there is nothing a checkpoint could skip: none is issued,
    // so Talkdesk's next sync is a full one again.
    if (this.fullSyncOnly) return page;
    const checkpoint = checkpointAfter(start.run, last, !hasMore);
    // The incoming checkpoint is handed back as it came, unless a previous secret signed it.
    if (
      checkpoint === start.run.checkpoint &&
      incomingCheckpoint &&
      scope.check(incomingCheckpoint) === 'current'
    ) {
      page.synchronization_checkpoint = incomingCheckpoint;
    } else if (checkpoint) {
      page.synchronization_checkpoint = encodeCheckpoint(scope, checkpoint);
    }
    return page;
  }

  /**
   * First page of a run: a full sync, or an incremental one from a readable checkpoint. The
   * incremental run reads every contact after the checkpoint's position and, with a look-back
   * window, every contact changed since the window before the instant the checkpoint's run read
   * up to (a write that committed late, after that run had read past it): by time alone when the
   * window reaches back before the position, else after the position.
   */
  private startRun(scope: TokenScope, incomingCheckpoint: string | undefined): PageStart {
    const until = this.runUntil();
    const full: PageStart = { run: { until }, ...(this.unorderedFullSyncs && { unordered: true }) };
    if (incomingCheckpoint === undefined) return full;
    if (this.fullSyncOnly) {
      this.logger.debug(
        'The connector lists every contact on each sync: the synchronization_checkpoint is not used',
      );
      return full;
    }
    const checkpoint = decodeCheckpoint(scope, incomingCheckpoint);
    if (!checkpoint) {
      // Never a 400: Talkdesk would send the same checkpoint again on every sync. A full sync
      // loses nothing, and sends only the account's own contacts.
      this.logger.warn(
        `synchronization_checkpoint ${whyRefused(scope, incomingCheckpoint)}: running a full sync`,
      );
      return full;
    }
    const lookbackMs = this.lookbackMs;
    if (lookbackMs > 0) {
      const unit = this.precisionMs;
      const since = Math.floor((checkpoint.readTo - lookbackMs) / unit) * unit;
      if (since <= checkpoint.updatedAt) return { run: { until, since, checkpoint } };
    }
    // A position before every contact of its instant: everything from that instant on.
    if (checkpoint.id === '') return { run: { until, since: checkpoint.updatedAt, checkpoint } };
    return { run: { until, checkpoint }, after: positionOf(checkpoint) };
  }

  private resumeRun(
    scope: TokenScope,
    offset: unknown,
    context: unknown,
    incomingCheckpoint: string | undefined,
  ): PageStart {
    const token = typeof offset === 'number' ? String(offset) : offset;
    const state = decodeOffsetState(scope, token);
    if (!state) throw offsetRefused(scope, token);
    const { after, resume, unordered } = state;
    if (unordered && !this.unorderedFullSyncs) {
      throw new BridgeError(
        'offset_invalid',
        'meta.offset belongs to a full sync in the external system’s own order, which this connector does not read: restart the synchronization without an offset',
      );
    }
    const run = decodeContext(scope, context);
    if (run) {
      const current = scope.check(context) === 'current' ? (context as string) : undefined;
      return { run, after, resume, unordered, ...(current !== undefined && { context: current }) };
    }
    if (scope.check(context) === 'forged') {
      throw new BridgeError(
        'token_invalid',
        `meta.context ${whyRefused(scope, context)}: restart the synchronization without an offset`,
      );
    }
    // Paging after the offset stays lossless; only the run's upper bound is gone. The pages
    // before read up to an instant no earlier than the offset's update time or the checkpoint's
    // read instant: no checkpoint of this run claims more (with neither, nothing: 0).
    this.logger.warn(
      'meta.context is missing or unreadable: continuing the run without its upper bound',
    );
    const checkpoint = incomingCheckpoint ? decodeCheckpoint(scope, incomingCheckpoint) : null;
    const readTo = Math.min(after?.updatedAt ?? Infinity, checkpoint?.readTo ?? Infinity);
    return {
      run: {
        until: this.runUntil(),
        ...(checkpoint && { checkpoint }),
        readTo: Number.isFinite(readTo) ? readTo : 0,
      },
      after,
      resume,
      unordered,
    };
  }

  /** Fills one page, in as many adapter calls as it takes, until full, exhausted or out of time. */
  private async collectPage(
    account: Parameters<ContactsPort['listContacts']>[0],
    start: PageStart,
    budget: TimeBudget,
  ): Promise<{
    records: ContactRecord[];
    hasMore: boolean;
    last?: ContactPosition;
    resume?: ResumeState;
  }> {
    const pageSize = this.config.contactsPageSize;
    const filler = new PageFiller(budget);
    const records: ContactRecord[] = [];
    let last = start.after;
    let resume = start.resume;
    let hasMore = true;
    // A batch may list nothing yet move the adapter's paging on (a page of unusable records).
    let progressed = false;
    while (records.length < pageSize && hasMore) {
      const limit = pageSize - records.length;
      const batch = await filler
        .batch(records.length > 0 || progressed, (signal) =>
          this.contacts.listContacts(
            account,
            start.unordered
              ? {
                  changedUntil: start.run.until,
                  limit,
                  unordered: true,
                  ...(resume !== undefined && { resume }),
                }
              : {
                  after: last,
                  changedSince: start.run.since,
                  changedUntil: start.run.until,
                  limit,
                  ...(resume !== undefined && { resume }),
                },
            { signal },
          ),
        )
        // A page with contacts answers them rather than fail on a pause the upstream asks for;
        // so does one whose batches moved the paging on without contacts yet (answered empty,
        // with a next_offset from there): failing would lose what they learned.
        .catch((error: unknown): typeof PAUSED => {
          if ((records.length > 0 || progressed) && isPause(error)) return PAUSED;
          throw error;
        });
      if (batch === PAUSED) {
        this.logger.warn(
          `Answering ${records.length} contact(s) and a next_offset: the external system's rate limit (or the manifest's pacing) paused the page`,
        );
        break;
      }
      if (batch === OUT_OF_TIME) {
        this.logger.warn(
          `Answering ${records.length} contact(s) and a next_offset: the external system was too slow to fill the page in time`,
        );
        break;
      }
      hasMore = batch.hasMore;
      // Without a position, only the adapter's paging state can say where the run goes on.
      if (start.unordered && hasMore && batch.resume === undefined) {
        throw new UpstreamError(
          'The external system reported more contacts but gave no paging state to continue a full sync from',
        );
      }
      if (batch.filtered) this.metrics.recordsDropped('contact', 'filtered', batch.filtered);
      const moved = batch.resume !== undefined && !sameState(batch.resume, resume);
      resume = batch.hasMore ? batch.resume : undefined;
      if (batch.records.length === 0) {
        if (!hasMore) break;
        if (!moved) {
          throw new UpstreamError('The external system reported more contacts but listed none');
        }
        progressed = true;
        continue;
      }
      // A batch out of order would move next_offset and the checkpoint past contacts not sent.
      if (!this.fullSyncOnly && !start.unordered) this.checkOrder(batch.records, last);
      records.push(...batch.records);
      const tail = batch.records[batch.records.length - 1];
      last = { updatedAt: tail.updatedAt, id: String(tail.id) };
    }
    return { records, hasMore, last, resume };
  }

  private checkOrder(records: ContactRecord[], after: ContactPosition | undefined): void {
    try {
      checkContactOrder(this.connector?.kind ?? 'unknown', records, after);
    } catch (error) {
      this.logger.error((error as Error).message);
      throw error;
    }
  }
}
