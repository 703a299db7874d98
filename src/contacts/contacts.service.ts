import { Injectable, Logger, Optional } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { UpstreamError } from '../connectors/ports/errors';
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
} from './contact-sync-tokens';
import { PhoneStats, TalkdeskContact, toTalkdeskContact } from './contact-normalizer';

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
}

const isBlank = (v: unknown) => v === undefined || v === null || v === '';

const sameState = (a: ResumeState | undefined, b: ResumeState | undefined) =>
  JSON.stringify(a) === JSON.stringify(b);

/** Why a token was not accepted, for a message: `meta.offset ${whyRefused(...)}`. */
function whyRefused(scope: TokenScope, token: unknown): string {
  switch (scope.check(token)) {
    case 'forged':
      return 'failed its signature check (altered, issued to another account, or signed with a token secret no longer configured)';
    case 'unsigned':
      return 'was issued by an earlier version of the bridge, before tokens were signed';
    default:
      return 'is not one this bridge issued (corrupted, or of another kind or version)';
  }
}

/** The 400 for an offset that cannot be used: `token_invalid` when its signature fails. */
function offsetRefused(scope: TokenScope, token: unknown): BridgeError {
  const code = scope.check(token) === 'forged' ? 'token_invalid' : 'offset_unreadable';
  return new BridgeError(
    code,
    `meta.offset ${whyRefused(scope, token)}: restart the synchronization without an offset`,
  );
}

/**
 * Talkdesk's contact synchronization over the contacts port: keyset pages in ascending
 * (updatedAt, id) order, a run bounded by the instant it started, checkpoints that never
 * skip a contact, and pages cut short rather than answered late. An adapter's own paging
 * state (ContactBatch.resume) travels inside next_offset. With a connector that can only
 * list every contact (capabilities.contactSync 'full'), every sync is a full sync and no
 * checkpoint is issued, so that no contact is ever skipped.
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
    if (!hasMore && last) this.metrics.newestContactChange(last.updatedAt);
    this.metrics.phonesProcessed(phones.normalized, phones.unparsed);

    const page: ContactSyncPage = {
      contacts,
      context: hasMore ? encodeContext(scope, start.run) : null,
    };
    if (hasMore && (last || resume !== undefined)) {
      page.next_offset = encodeOffsetState(scope, { after: last, resume });
    }
    // Without an update-time filter there is nothing a checkpoint could skip: none is issued,
    // so Talkdesk's next sync is a full one again.
    if (this.fullSyncOnly) return page;
    const checkpoint = this.checkpointAfter(
      last,
      start.run.checkpoint,
      start.run.since !== undefined,
    );
    if (checkpoint) {
      // The incoming checkpoint is handed back as it came, unless a previous secret signed it.
      page.synchronization_checkpoint =
        checkpoint === start.run.checkpoint &&
        incomingCheckpoint &&
        scope.check(incomingCheckpoint) === 'current'
          ? incomingCheckpoint
          : encodeCheckpoint(scope, checkpoint);
    }
    return page;
  }

  /** First page of a run: a full sync, or an incremental one from a readable checkpoint. */
  private startRun(scope: TokenScope, incomingCheckpoint: string | undefined): PageStart {
    const until = Date.now();
    if (incomingCheckpoint === undefined) return { run: { until } };
    if (this.fullSyncOnly) {
      this.logger.debug(
        'The connector lists every contact on each sync: the synchronization_checkpoint is not used',
      );
      return { run: { until } };
    }
    const checkpoint = decodeCheckpoint(scope, incomingCheckpoint);
    if (!checkpoint) {
      // Never a 400: Talkdesk would send the same checkpoint again on every sync. A full sync
      // loses nothing, and sends only the account's own contacts.
      this.logger.warn(
        `synchronization_checkpoint ${whyRefused(scope, incomingCheckpoint)}: running a full sync`,
      );
      return { run: { until } };
    }
    const lookbackMs = Math.max(
      this.config.incrementalLookbackSeconds * 1000,
      this.connector?.capabilities.minimumLookbackMs ?? 0,
    );
    if (lookbackMs > 0) {
      return { run: { until, since: checkpoint.updatedAt - lookbackMs, checkpoint } };
    }
    return { run: { until, checkpoint }, after: checkpoint };
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
    const { after, resume } = state;
    const run = decodeContext(scope, context);
    if (run) return { run, after, resume };
    if (scope.check(context) === 'forged') {
      throw new BridgeError(
        'token_invalid',
        `meta.context ${whyRefused(scope, context)}: restart the synchronization without an offset`,
      );
    }
    // Paging after the offset stays lossless; only the run's upper bound is gone.
    this.logger.warn(
      'meta.context is missing or unreadable: continuing the run without its upper bound',
    );
    const checkpoint = incomingCheckpoint ? decodeCheckpoint(scope, incomingCheckpoint) : null;
    return { run: { until: Date.now(), ...(checkpoint && { checkpoint }) }, after, resume };
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
      const batch = await filler.batch(records.length > 0 || progressed, (signal) =>
        this.contacts.listContacts(
          account,
          {
            after: last,
            changedSince: start.run.since,
            changedUntil: start.run.until,
            limit: pageSize - records.length,
            ...(resume !== undefined && { resume }),
          },
          { signal },
        ),
      );
      if (batch === OUT_OF_TIME) {
        this.logger.warn(
          `Answering ${records.length} contact(s) and a next_offset: the external system was too slow to fill the page in time`,
        );
        break;
      }
      hasMore = batch.hasMore;
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
      records.push(...batch.records);
      const tail = batch.records[batch.records.length - 1];
      last = { updatedAt: tail.updatedAt, id: String(tail.id) };
    }
    return { records, hasMore, last, resume };
  }

  /**
   * The checkpoint after this page: the last contact sent, unless the run started from a later
   * checkpoint (a look-back window re-reads contacts before it), which then stays. A look-back
   * run also keeps it for a last contact of the same instant: only the adapter knows how ids
   * order, and such a run reads by time alone, so keeping it loses nothing.
   */
  private checkpointAfter(
    last: ContactPosition | undefined,
    incoming: ContactPosition | undefined,
    lookBack: boolean,
  ): ContactPosition | undefined {
    if (!last) return incoming;
    if (
      incoming &&
      (last.updatedAt < incoming.updatedAt || (lookBack && last.updatedAt === incoming.updatedAt))
    ) {
      return incoming;
    }
    return last;
  }
}
