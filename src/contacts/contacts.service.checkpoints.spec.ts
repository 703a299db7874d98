import {
  compareContacts as compare,
  FakeConnectorPort,
  FakeContactsPort,
} from '../../test/support/fakes';
import { budget, newTestService, TEST_TOKENS } from '../../test/support/test-service';
import {
  AUTH,
  clock,
  contact,
  expectedIds,
  idsOf,
  positionIn,
  positionOf,
  SECOND,
  setup,
  setupWith,
  syncRun,
  syncsInARow,
  T0,
  useContactSyncClock,
} from '../../test/support/contact-sync-harness';
import { decodeCheckpoint, decodeContext, encodeCheckpoint } from './contact-sync-tokens';
import { ContactsService } from './contacts.service';

/** Checkpoints, the look-back window taken from their read instant, and the source's precision. */

useContactSyncClock();

describe('ContactsService: an incremental sync that finds nothing', () => {
  const store = () => [contact(1, T0 - 600 * SECOND), contact(2, T0 - 500 * SECOND)];

  it.each([0, 30])(
    'keeps the checkpoint’s position and moves only its read instant, to the run’s bound (look-back %i s)',
    async (incrementalLookbackSeconds) => {
      const { service } = setup({ incrementalLookbackSeconds }, new FakeContactsPort(store()));
      const at = { updatedAt: T0 - 500 * SECOND, id: '2' };
      const checkpoint = encodeCheckpoint(TEST_TOKENS, { ...at, readTo: T0 - 100 * SECOND });

      const page = await service.sync(AUTH, { synchronization_checkpoint: checkpoint }, budget());

      expect(page.contacts).toEqual([]);
      expect(page.next_offset).toBeUndefined();
      expect(decodeCheckpoint(TEST_TOKENS, page.synchronization_checkpoint)).toEqual({
        ...at,
        readTo: T0,
      });
    },
  );

  it('takes the look-back from the instant the checkpoint’s run read up to, not from its position', async () => {
    const { service, port } = setup(
      { incrementalLookbackSeconds: 30 },
      new FakeContactsPort(store()),
    );
    const far = { updatedAt: T0 - 500 * SECOND, id: '2', readTo: T0 - 100 * SECOND };
    const near = { updatedAt: T0 - 110 * SECOND, id: '2', readTo: T0 - 100 * SECOND };

    await service.sync(
      AUTH,
      { synchronization_checkpoint: encodeCheckpoint(TEST_TOKENS, far) },
      budget(),
    );
    await service.sync(
      AUTH,
      { synchronization_checkpoint: encodeCheckpoint(TEST_TOKENS, near) },
      budget(),
    );

    // The window [readTo - 30 s, ...] lies after the position: only what follows the position.
    expect(port.queries[0]).toMatchObject({ after: { updatedAt: far.updatedAt, id: '2' } });
    expect(port.queries[0].changedSince).toBeUndefined();
    // It reaches back before the position: everything changed since the window's start.
    expect(port.queries[1].changedSince).toBe(T0 - 130 * SECOND);
    expect(port.queries[1].after).toBeUndefined();
  });

  it('a checkpoint of the previous version (no read instant) reads the window before its position, once', async () => {
    const { service, port } = setup(
      { incrementalLookbackSeconds: 30 },
      new FakeContactsPort([contact(1, T0 - 410 * SECOND), contact(2, T0 - 400 * SECOND)]),
    );
    const old = encodeCheckpoint(TEST_TOKENS, { updatedAt: T0 - 400 * SECOND, id: '2' });

    const first = await service.sync(AUTH, { synchronization_checkpoint: old }, budget());
    clock.now = T0 + 60 * SECOND;
    const second = await service.sync(
      AUTH,
      { synchronization_checkpoint: first.synchronization_checkpoint },
      budget(),
    );

    expect(port.queries[0].changedSince).toBe(T0 - 430 * SECOND);
    expect(idsOf(first)).toEqual(['1', '2']);
    expect(decodeCheckpoint(TEST_TOKENS, first.synchronization_checkpoint)).toEqual({
      updatedAt: T0 - 400 * SECOND,
      id: '2',
      readTo: T0,
    });
    expect(idsOf(second)).toEqual([]);
  });
});

describe('ContactsService: re-sends of the look-back window stop', () => {
  const lookback = { incrementalLookbackSeconds: 30, contactsPageSize: 4 };

  it('two incremental syncs in a row over unchanged data send nothing, even with contacts within the window of the last one', async () => {
    // The newest contacts share one second and the ones before lie within 30 s of them.
    const t = T0 - 3 * 86_400_000;
    const contacts = [
      ...Array.from({ length: 6 }, (_, i) => contact(i + 1, t - (20 - i) * SECOND)),
      ...Array.from({ length: 5 }, (_, i) => contact(i + 10, t)),
    ];
    const { service } = setup(lookback, new FakeContactsPort(contacts));

    const [full, first, second, third] = await syncsInARow(service, [
      T0,
      T0 + 5 * SECOND,
      T0 + 10 * SECOND,
      T0 + 3600 * SECOND,
    ]);

    expect(full.ids).toEqual(expectedIds(contacts));
    expect(first.ids).toEqual([]);
    expect(second.ids).toEqual([]);
    expect(third.ids).toEqual([]);
    expect(positionIn(third.checkpoint)).toEqual(positionOf(contacts[10]));
  });

  it('a contact changed just before a run is re-sent by the next sync, and never again', async () => {
    const contacts = [contact(1, T0 - 600 * SECOND), contact(2, T0 - 5 * SECOND)];
    const { service } = setup(lookback, new FakeContactsPort(contacts));

    const runs = await syncsInARow(service, [
      T0,
      T0 + 60 * SECOND,
      T0 + 120 * SECOND,
      T0 + 180 * SECOND,
    ]);

    expect(runs.map((r) => r.ids)).toEqual([['1', '2'], ['2'], [], []]);
  });

  it('syncs closer together than the look-back re-send it only while the sync before started within the window of its change', async () => {
    const contacts = [contact(1, T0 - 5 * SECOND)];
    const { service } = setup(lookback, new FakeContactsPort(contacts));

    // Runs at T0, +10 s, +20 s, +40 s, +80 s: a run re-reads from 30 s before the previous run's start.
    const runs = await syncsInARow(
      service,
      [0, 10, 20, 40, 80, 90].map((s) => T0 + s * SECOND),
    );

    expect(runs.map((r) => r.ids.length)).toEqual([1, 1, 1, 1, 0, 0]);
  });

  it('a write that commits late, within the look-back of its update time, still arrives', async () => {
    const port = new FakeContactsPort([contact(1, T0 - 600 * SECOND), contact(2, T0 - 2 * SECOND)]);
    const { service } = setup(lookback, port);
    const [full] = await syncsInARow(service, [T0]);
    // Stamped 10 s before the run started, before the checkpoint's position; visible only after
    // the run (committed within 30 s of its update time).
    port.store.push(contact(3, T0 - 10 * SECOND));

    const [next, after] = await syncsInARow(
      service,
      [T0 + 40 * SECOND, T0 + 100 * SECOND],
      full.checkpoint,
    );

    expect(full.ids).toEqual(['1', '2']);
    expect(next.ids).toEqual(['3', '2']);
    expect(after.ids).toEqual([]);
  });

  it('a write that commits late is not lost by a run interrupted after a page either', async () => {
    const contacts = Array.from({ length: 10 }, (_, i) => contact(i + 1, T0 - (10 - i) * SECOND));
    const port = new FakeContactsPort(contacts);
    const { service } = setup(lookback, port);
    const first = await service.sync(AUTH, null, budget());
    // The run stops after its first page; a write stamped before that page's last contact commits.
    port.store.push(contact(20, T0 - 9500));

    const [resumed] = await syncsInARow(
      service,
      [T0 + 20 * SECOND],
      first.synchronization_checkpoint,
    );

    expect(resumed.ids).toContain('20');
    expect(new Set([...idsOf(first), ...resumed.ids])).toEqual(new Set(expectedIds(port.store)));
  });

  it('an incremental run interrupted once past its checkpoint’s position resumes from its own checkpoint without loss', async () => {
    const port = new FakeContactsPort([
      contact(1, T0 - 60 * SECOND),
      contact(5, T0 - 50 * SECOND),
      contact(6, T0 - 30 * SECOND),
      contact(7, T0 - 20 * SECOND),
    ]);
    const { service } = setup({ incrementalLookbackSeconds: 30, contactsPageSize: 2 }, port);
    const incoming = encodeCheckpoint(TEST_TOKENS, {
      updatedAt: T0 - 50 * SECOND,
      id: '5',
      readTo: T0 - 40 * SECOND,
    });

    // The window re-reads from 70 s back: the first page is 1 and 5, the checkpoint's own contact.
    const first = await service.sync(AUTH, { synchronization_checkpoint: incoming }, budget());
    expect(idsOf(first)).toEqual(['1', '5']);
    expect(decodeCheckpoint(TEST_TOKENS, first.synchronization_checkpoint)).toEqual({
      updatedAt: T0 - 50 * SECOND,
      id: '5',
      readTo: T0,
    });
    // The run stops there; a write stamped 25 s before it started commits.
    port.store.push(contact(20, T0 - 25 * SECOND));

    const [resumed] = await syncsInARow(
      service,
      [T0 + 10 * SECOND],
      first.synchronization_checkpoint,
    );

    expect(resumed.ids).toEqual(['6', '20', '7']);
  });
});

describe('ContactsService: look-back window', () => {
  const checkpointAt = { updatedAt: T0 - 120 * SECOND, id: '50' };

  it('with INCREMENTAL_LOOKBACK_SECONDS=30 and a checkpoint read up to its position, re-sends a contact changed up to 30 s before it, not one older', async () => {
    const contacts = [
      contact(1, checkpointAt.updatedAt - 30 * SECOND), // at the edge of the window
      contact(2, checkpointAt.updatedAt - 30 * SECOND - 1), // just outside
      contact(3, checkpointAt.updatedAt - 5 * SECOND),
      contact(4, checkpointAt.updatedAt + 10 * SECOND),
    ];
    const { sut: service, config } = newTestService(ContactsService, {
      env: { INCREMENTAL_LOOKBACK_SECONDS: '30' },
      config: { contactsPageSize: 50 },
      ports: { contacts: new FakeContactsPort(contacts) },
    });

    const page = await service.sync(
      AUTH,
      { synchronization_checkpoint: encodeCheckpoint(TEST_TOKENS, checkpointAt) },
      budget(),
    );

    expect(config.incrementalLookbackSeconds).toBe(30);
    expect(idsOf(page)).toEqual(['1', '3', '4']);
    expect(positionIn(page.synchronization_checkpoint)).toEqual(positionOf(contacts[3]));
  });

  it('never moves the checkpoint backwards when the window holds only contacts before it', async () => {
    const contacts = [
      contact(1, checkpointAt.updatedAt - 20 * SECOND),
      contact(2, checkpointAt.updatedAt - 10 * SECOND),
      contact(3, checkpointAt.updatedAt - 5 * SECOND),
    ];
    const { service } = setup(
      { incrementalLookbackSeconds: 30, contactsPageSize: 1 },
      new FakeContactsPort(contacts),
    );
    const checkpoint = encodeCheckpoint(TEST_TOKENS, checkpointAt);

    const run = await syncRun(service, { synchronization_checkpoint: checkpoint });

    expect(run.ids).toEqual(['1', '2', '3']);
    // The very string it got while the run pages; at its end, the position with the run's bound.
    const last = run.pages[run.pages.length - 1];
    for (const page of run.pages.slice(0, -1)) {
      expect(page.synchronization_checkpoint).toBe(checkpoint);
    }
    expect(decodeCheckpoint(TEST_TOKENS, last.synchronization_checkpoint)).toEqual({
      ...checkpointAt,
      readTo: T0,
    });
  });

  it('never moves the checkpoint backwards, not even to a contact of the same instant that sorts before it', async () => {
    // The checkpoint's own contact is gone; one of the same instant, before it in id order, remains.
    const contacts = [contact(40, checkpointAt.updatedAt)];
    const { service } = setup({ incrementalLookbackSeconds: 30 }, new FakeContactsPort(contacts));
    const checkpoint = encodeCheckpoint(TEST_TOKENS, checkpointAt);

    const page = await service.sync(AUTH, { synchronization_checkpoint: checkpoint }, budget());

    expect(idsOf(page)).toEqual(['40']);
    const after = decodeCheckpoint(TEST_TOKENS, page.synchronization_checkpoint);
    expect(after && compare(after, checkpointAt)).toBeGreaterThanOrEqual(0);
    expect(positionIn(page.synchronization_checkpoint)).toEqual(checkpointAt);
  });
});

describe('ContactsService: a run that lost its context', () => {
  const store = () => [1, 2, 3, 4].map((id) => contact(id, T0 - (10 - id) * SECOND));

  it('claims no later read instant than its earlier pages can have read: the offset’s, or the checkpoint’s', async () => {
    const { service } = setup({ contactsPageSize: 2 }, new FakeContactsPort(store()));
    const first = await service.sync(AUTH, null, budget());
    clock.now = T0 + 60 * SECOND;

    const second = await service.sync(
      AUTH,
      { offset: first.next_offset, context: 'lost' },
      budget(),
    );
    const incoming = encodeCheckpoint(TEST_TOKENS, {
      updatedAt: T0 - 9 * SECOND,
      id: '1',
      readTo: T0 - 20 * SECOND,
    });
    const third = await service.sync(
      AUTH,
      { synchronization_checkpoint: incoming, offset: first.next_offset, context: null },
      budget(),
    );

    expect(idsOf(second)).toEqual(['3', '4']);
    expect(decodeCheckpoint(TEST_TOKENS, second.synchronization_checkpoint)).toEqual({
      ...positionOf(store()[3]),
      readTo: T0 - 8 * SECOND,
    });
    expect(decodeCheckpoint(TEST_TOKENS, third.synchronization_checkpoint)?.readTo).toBe(
      T0 - 20 * SECOND,
    );
  });
});

describe('ContactsService: the connector’s own look-back window', () => {
  it('applies when longer than INCREMENTAL_LOOKBACK_SECONDS', async () => {
    const port = new FakeContactsPort([contact(1, T0 - 10 * SECOND)]);
    const { service } = setupWith(new FakeConnectorPort({ minimumLookbackMs: 120_000 }), port, {
      incrementalLookbackSeconds: 30,
    });
    const checkpoint = encodeCheckpoint(TEST_TOKENS, { updatedAt: T0 - 5 * SECOND, id: '1' });
    await service.sync(AUTH, { synchronization_checkpoint: checkpoint }, budget());
    expect(port.queries[0].changedSince).toBe(T0 - 5 * SECOND - 120_000);
  });
});

describe('ContactsService: a source that lists changes only after a delay', () => {
  it('bounds the run that long before it started, so its checkpoint claims nothing unlisted', async () => {
    const delay = 60_000;
    const port = new FakeContactsPort([
      contact(1, T0 - 90 * SECOND),
      // Written within the delay: the source does not list it yet.
      contact(2, T0 - 30 * SECOND),
    ]);
    const connector = new FakeConnectorPort({
      visibilityDelayMs: delay,
      updatedAtPrecisionMs: 1000,
    });
    const { service } = setupWith(connector, port);

    const page = await service.sync(AUTH, null, budget());

    expect(port.queries[0].changedUntil).toBe(T0 - delay - SECOND);
    expect(idsOf(page)).toEqual(['1']);
    expect(decodeCheckpoint(TEST_TOKENS, page.synchronization_checkpoint)?.readTo).toBe(
      T0 - delay - SECOND,
    );
    // The next sync, once it is listed, sends it.
    clock.now = T0 + delay;
    const next = await service.sync(
      AUTH,
      { synchronization_checkpoint: page.synchronization_checkpoint },
      budget(),
    );
    expect(idsOf(next)).toEqual(['2']);
  });
});

describe('ContactsService: a source whose update times are whole seconds', () => {
  const seconds = () => new FakeConnectorPort({ updatedAtPrecisionMs: 1000 });

  it('bounds the run by the last whole second before it started: contacts changed again in that second are not sent twice', async () => {
    const start = T0 + 500;
    const earlier = Array.from({ length: 10 }, (_, i) => contact(i + 1, T0 - (60 - i) * SECOND));
    // 20 contacts stamped with the run's start second (written before the run started).
    const sameSecond = Array.from({ length: 20 }, (_, i) => contact(i + 100, T0));
    const port = new FakeContactsPort([...earlier, ...sameSecond]);
    const { service } = setupWith(seconds(), port, { contactsPageSize: 3 });
    clock.now = start;

    const run = await syncRun(service, null, (_page, index) => {
      // While the run pages, contacts it already sent change again, within its start second.
      if (index === 0) ['1', '2', '3'].forEach((id) => port.touch(id, T0));
      clock.now += 10;
    });

    expect(new Set(run.ids).size).toBe(run.ids.length);
    // The 10 earlier contacts once each; the start second waits for the next run.
    expect(run.ids).toEqual(['1', '2', '3', '4', '5', '6', '7', '8', '9', '10']);
    expect(port.queries.every((q) => q.changedUntil === T0 - SECOND)).toBe(true);
    expect(decodeContext(TEST_TOKENS, run.pages[0].context)?.until).toBe(T0 - SECOND);
    expect(decodeCheckpoint(TEST_TOKENS, run.checkpoint)?.readTo).toBe(T0 - SECOND);

    // The next sync sends that second whole, once: nothing is lost.
    const [next] = await syncsInARow(service, [T0 + 60 * SECOND], run.checkpoint);
    expect(new Set(next.ids).size).toBe(next.ids.length);
    expect(new Set([...run.ids, ...next.ids])).toEqual(new Set(expectedIds(port.store)));
    expect(next.ids).toEqual(expectedIds(port.store, (c) => c.updatedAt === T0));
  });

  it('at millisecond precision (the default) the bound is the start instant itself', async () => {
    const port = new FakeContactsPort([contact(1, T0), contact(2, T0 + 1)]);
    const { service } = setup({}, port);

    const page = await service.sync(AUTH, null, budget());

    expect(port.queries[0].changedUntil).toBe(T0);
    expect(idsOf(page)).toEqual(['1']);
  });

  it('truncates the look-back’s start to the second', async () => {
    const port = new FakeContactsPort([contact(1, T0 - 100 * SECOND)]);
    const { service } = setupWith(seconds(), port, { incrementalLookbackSeconds: 30 });
    // A checkpoint read up to an instant with milliseconds (as one issued over another connector).
    const checkpoint = encodeCheckpoint(TEST_TOKENS, {
      updatedAt: T0 - 100 * SECOND,
      id: '1',
      readTo: T0 - 80 * SECOND + 250,
    });

    await service.sync(AUTH, { synchronization_checkpoint: checkpoint }, budget());

    expect(port.queries[0].changedSince).toBe(T0 - 110 * SECOND);
  });
});
