import { Logger } from '@nestjs/common';
import { AppConfig } from '../../src/config/app-config';
import {
  AccountRef,
  ConnectorPort,
  ContactBatch,
  ContactPosition,
  ContactQuery,
  ContactRecord,
  ContactsPort,
} from '../../src/connectors/ports';
import { TimeBudget } from '../../src/common/time-budget';
import { decodeCheckpoint } from '../../src/contacts/contact-sync-tokens';
import {
  ContactsService,
  ContactSyncMeta,
  ContactSyncPage,
} from '../../src/contacts/contacts.service';
import { newContactRecord, TEST_AUTH } from '../factories';
import { compareContacts as compare, FakeContactsPort } from './fakes';
import { budget, newTestService, TEST_TOKENS } from './test-service';

/**
 * What the contacts service's specs share: a pinned clock (Date.now answers `clock.now`), the
 * service over fake ports, and Talkdesk's side of runs and of several syncs in a row.
 */

export const AUTH = TEST_AUTH;
/** The instant the tests' runs start (Date.now is pinned to `clock.now`). */
export const T0 = Date.UTC(2026, 0, 10, 12, 0, 0);
export const SECOND = 1000;

/** Answers at most `batch` records per call, each call taking `delayMs`. */
export const slowContactsPort = (store: ContactRecord[], batch: number, delayMs: number) =>
  new FakeContactsPort(store, { batch, delayMs });

export const contact = (id: number, updatedAt: number): ContactRecord =>
  newContactRecord({ id: String(id), updatedAt });

export const idsOf = (page: ContactSyncPage) => page.contacts.map((c) => c.id);
/** The position a checkpoint token carries (without the instant its run read up to). */
export const positionIn = (token: unknown): ContactPosition | null => {
  const checkpoint = decodeCheckpoint(TEST_TOKENS, token);
  return checkpoint && { updatedAt: checkpoint.updatedAt, id: checkpoint.id };
};
export const positionOf = (c: ContactRecord): ContactPosition => ({
  updatedAt: c.updatedAt,
  id: c.id,
});
/** Ids in (updatedAt, id) order of the store's contacts that `keep` selects. */
export const expectedIds = (
  store: ContactRecord[],
  keep: (c: ContactRecord) => boolean = () => true,
) =>
  store
    .filter(keep)
    .sort(compare)
    .map((c) => c.id);

/** The pinned clock: tests move `clock.now`. */
export const clock = { now: T0 };

/** The service over `port` (and, when given, a connector), three contacts a page, no look-back. */
export function setupWith(
  connector: ConnectorPort | undefined,
  port: ContactsPort,
  overrides: Partial<AppConfig> = {},
) {
  const { sut: service, config } = newTestService(ContactsService, {
    config: { contactsPageSize: 3, incrementalLookbackSeconds: 0, ...overrides },
    ports: { contacts: port, ...(connector && { connector }) },
  });
  return { service, config };
}

export function setup(overrides: Partial<AppConfig> = {}, port = new FakeContactsPort()) {
  return { ...setupWith(undefined, port, overrides), port };
}

export interface Run {
  pages: ContactSyncPage[];
  ids: string[];
  /** The checkpoint Talkdesk stores at the end of the run. */
  checkpoint?: string;
}

/**
 * Plays Talkdesk: sends `meta`, then follows next_offset and context (with the run's incoming
 * checkpoint) until a page has no next_offset. `between` runs after each page.
 */
export async function syncRun(
  service: ContactsService,
  meta: ContactSyncMeta | null | undefined,
  between: (page: ContactSyncPage, index: number) => void = () => undefined,
  newBudget: () => TimeBudget = budget,
): Promise<Run> {
  const pages: ContactSyncPage[] = [];
  let page = await service.sync(AUTH, meta, newBudget());
  pages.push(page);
  while (page.next_offset !== undefined) {
    if (pages.length > 100) throw new Error('the run does not end');
    between(page, pages.length - 1);
    page = await service.sync(
      AUTH,
      {
        synchronization_checkpoint: meta?.synchronization_checkpoint ?? null,
        offset: page.next_offset,
        context: page.context,
      },
      newBudget(),
    );
    pages.push(page);
  }
  const withCheckpoint = pages.filter((p) => p.synchronization_checkpoint !== undefined);
  return {
    pages,
    ids: pages.flatMap(idsOf),
    checkpoint: withCheckpoint[withCheckpoint.length - 1]?.synchronization_checkpoint,
  };
}

/** Pins Date.now to `clock.now` (reset to T0) and silences warnings, for every test of the file. */
export function useContactSyncClock(): void {
  beforeEach(() => {
    clock.now = T0;
    jest.spyOn(Date, 'now').mockImplementation(() => clock.now);
    jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
  });
  afterEach(() => {
    jest.restoreAllMocks();
  });
}

/** Talkdesk's side of several runs: every run from the checkpoint the one before it returned. */
export async function syncsInARow(
  service: ContactsService,
  startAt: number[],
  checkpoint?: string,
) {
  const runs: Run[] = [];
  for (const at of startAt) {
    clock.now = at;
    const run = await syncRun(
      service,
      checkpoint ? { synchronization_checkpoint: checkpoint } : null,
    );
    runs.push(run);
    checkpoint = run.checkpoint ?? checkpoint;
  }
  return runs;
}

/**
 * An upstream listed in its own order (not by update time), paged by its own page numbers
 * (`resume`), with at most `perCall` records per call: what a full-sync REST connector does.
 */
export class PagedPort extends ContactsPort {
  readonly queries: ContactQuery[] = [];
  constructor(
    readonly store: ContactRecord[],
    private readonly perCall: number,
  ) {
    super();
  }

  async listContacts(_account: AccountRef, query: ContactQuery): Promise<ContactBatch> {
    this.queries.push({ ...query });
    const from = typeof query.resume === 'number' ? query.resume : 0;
    const take = Math.min(query.limit, this.perCall);
    const records = this.store.slice(from, from + take).map((c) => ({ ...c }));
    const next = from + take;
    return next < this.store.length
      ? { records, hasMore: true, resume: next }
      : { records, hasMore: false };
  }
}
