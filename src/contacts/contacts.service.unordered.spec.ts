import { Logger } from '@nestjs/common';
import { AccountRef, ContactBatch, ContactQuery, ContactRecord } from '../connectors/ports';
import { FakeConnectorPort, FakeContactsPort } from '../../test/support/fakes';
import { budget, TEST_TOKENS } from '../../test/support/test-service';
import {
  AUTH,
  clock,
  contact,
  idsOf,
  SECOND,
  setupWith,
  syncRun,
  syncsInARow,
  T0,
  useContactSyncClock,
} from '../../test/support/contact-sync-harness';
import { decodeCheckpoint, encodeOffsetState } from './contact-sync-tokens';

/** Full syncs in the external system's own order (capabilities.fullSyncOrder 'unordered'). */

useContactSyncClock();

/**
 * Full syncs: every contact in the store's own order, `perCall` a batch, paged by an index in
 * `resume`. Incremental syncs: FakeContactsPort's, in (updatedAt, id) order (or reversed, to see
 * the order guard at work).
 */
class ListingPort extends FakeContactsPort {
  reverseIncremental = false;
  noResume = false;

  constructor(
    store: ContactRecord[],
    private readonly perCall: number,
  ) {
    super(store);
  }

  override async listContacts(account: AccountRef, query: ContactQuery): Promise<ContactBatch> {
    if (!query.unordered) {
      const batch = await super.listContacts(account, query);
      if (this.reverseIncremental) batch.records.reverse();
      return batch;
    }
    this.queries.push({ ...query });
    const from = typeof query.resume === 'number' ? query.resume : 0;
    const take = Math.min(query.limit, this.perCall);
    const records = this.store.slice(from, from + take).map((c) => ({ ...c }));
    const next = from + take;
    if (next >= this.store.length) return { records, hasMore: false };
    return this.noResume ? { records, hasMore: true } : { records, hasMore: true, resume: next };
  }
}

const unordered = () => new FakeConnectorPort({ fullSyncOrder: 'unordered' });

/** Seven contacts listed in an order that is not their update times'. */
const store = () => [5, 1, 7, 3, 2, 6, 4].map((id) => contact(id, T0 - (100 - id * 10) * SECOND));

describe('ContactsService: full syncs in the external system’s own order', () => {
  it('sends every contact once in the listing’s order, pages by the adapter’s state alone, and issues one checkpoint at the end: the run’s upper bound', async () => {
    const port = new ListingPort(store(), 2);
    const { service } = setupWith(unordered(), port);

    const run = await syncRun(service, null);

    expect(run.ids).toEqual(['5', '1', '7', '3', '2', '6', '4']);
    expect(port.queries.every((q) => q.unordered === true)).toBe(true);
    expect(port.queries.every((q) => q.after === undefined && q.changedSince === undefined)).toBe(
      true,
    );
    expect(port.queries.every((q) => q.changedUntil === T0)).toBe(true);
    // Only the last page says what was covered.
    expect(run.pages.slice(0, -1).every((p) => p.synchronization_checkpoint === undefined)).toBe(
      true,
    );
    expect(decodeCheckpoint(TEST_TOKENS, run.checkpoint)).toEqual({
      updatedAt: T0,
      id: '',
      readTo: T0,
    });
  });

  it('then two incremental syncs over unchanged data send nothing; a contact changed after the run arrives once', async () => {
    const port = new ListingPort(store(), 3);
    const { service } = setupWith(unordered(), port);
    const full = await syncRun(service, null);

    const [quiet, again] = await syncsInARow(
      service,
      [T0 + 60 * SECOND, T0 + 120 * SECOND],
      full.checkpoint,
    );
    expect(quiet.ids).toEqual([]);
    expect(again.ids).toEqual([]);

    port.touch('3', T0 + 130 * SECOND);
    const [changed, after] = await syncsInARow(
      service,
      [T0 + 140 * SECOND, T0 + 200 * SECOND],
      again.checkpoint,
    );
    expect(changed.ids).toEqual(['3']);
    expect(after.ids).toEqual([]);
    // Incremental runs are ordered runs.
    expect(port.queries.filter((q) => !q.unordered).length).toBeGreaterThan(0);
  });

  it('with a look-back window, a contact changed just before the full run’s bound is sent again once, then never', async () => {
    const port = new ListingPort(store(), 3);
    const { service } = setupWith(unordered(), port, { incrementalLookbackSeconds: 30 });
    const full = await syncRun(service, null);

    const runs = await syncsInARow(
      service,
      [T0 + 60 * SECOND, T0 + 120 * SECOND, T0 + 180 * SECOND],
      full.checkpoint,
    );

    // Contact 7 changed 30 s before T0, within the window: once more, and no more.
    expect(runs.map((r) => r.ids)).toEqual([['7'], [], []]);
  });

  it('keeps the order guard for incremental runs of the same connector', async () => {
    jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    const port = new ListingPort(store(), 3);
    const { service } = setupWith(unordered(), port);
    const full = await syncRun(service, null);
    port.touch('1', T0 + 10 * SECOND);
    port.touch('2', T0 + 20 * SECOND);
    port.reverseIncremental = true;
    clock.now = T0 + 60 * SECOND;

    const attempt = service.sync(AUTH, { synchronization_checkpoint: full.checkpoint }, budget());

    await expect(attempt).rejects.toMatchObject({ code: 'upstream_order_violated', status: 502 });
  });

  it('a batch that says more follow but gives no paging state stops the run with a 502, before any checkpoint', async () => {
    const port = new ListingPort(store(), 2);
    port.noResume = true;
    const { service } = setupWith(unordered(), port);

    const attempt = service.sync(AUTH, null, budget());

    await expect(attempt).rejects.toMatchObject({ code: 'upstream_failed', status: 502 });
  });

  it('an unordered run’s offset is refused (400 offset_invalid) by a connector that reads full syncs in order', async () => {
    const port = new ListingPort(store(), 2);
    const { service } = setupWith(new FakeConnectorPort(), port);
    const offset = encodeOffsetState(TEST_TOKENS, { resume: 2, unordered: true });

    const attempt = service.sync(AUTH, { offset }, budget());

    await expect(attempt).rejects.toMatchObject({ code: 'offset_invalid', status: 400 });
  });

  it('a run that lost its context claims nothing at its end: the next sync reads from the start', async () => {
    const port = new ListingPort(store(), 4);
    const { service } = setupWith(unordered(), port, { contactsPageSize: 4 });
    const first = await service.sync(AUTH, null, budget());
    expect(idsOf(first)).toEqual(['5', '1', '7', '3']);

    const last = await service.sync(AUTH, { offset: first.next_offset }, budget());

    expect(idsOf(last)).toEqual(['2', '6', '4']);
    expect(decodeCheckpoint(TEST_TOKENS, last.synchronization_checkpoint)).toEqual({
      updatedAt: 0,
      id: '',
      readTo: 0,
    });
  });
});
