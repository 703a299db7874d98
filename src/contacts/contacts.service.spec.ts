import { Logger } from '@nestjs/common';
import { performance } from 'node:perf_hooks';
import { AppConfig } from '../config/app-config';
import { UpstreamError } from '../connectors/ports/errors';
import {
  AccountRef,
  ConnectorPort,
  ContactBatch,
  ContactPosition,
  ContactQuery,
  ContactRecord,
  ContactsPort,
} from '../connectors/ports';
import { TimeBudget } from '../common/time-budget';
import { newContactRecord, TEST_AUTH } from '../../test/factories';
import {
  compareContacts as compare,
  FakeConnectorPort,
  FakeContactsPort,
} from '../../test/support/fakes';
import { budget, newTestService } from '../../test/support/test-service';
import {
  decodeCheckpoint,
  decodeContext,
  decodeOffset,
  decodeOffsetState,
  encodeCheckpoint,
  encodeOffset,
} from './contact-sync-tokens';
import { ContactsService, ContactSyncMeta, ContactSyncPage } from './contacts.service';

const AUTH = TEST_AUTH;
/** The instant the tests' runs start (Date.now is pinned to `now`). */
const T0 = Date.UTC(2026, 0, 10, 12, 0, 0);
const SECOND = 1000;

/** Answers at most `batch` records per call, each call taking `delayMs`. */
const slowContactsPort = (store: ContactRecord[], batch: number, delayMs: number) =>
  new FakeContactsPort(store, { batch, delayMs });

const contact = (id: number, updatedAt: number): ContactRecord =>
  newContactRecord({ id: String(id), updatedAt });

const idsOf = (page: ContactSyncPage) => page.contacts.map((c) => c.id);
/** The position a checkpoint token carries (without the instant its run read up to). */
const positionIn = (token: unknown): ContactPosition | null => {
  const checkpoint = decodeCheckpoint(token);
  return checkpoint && { updatedAt: checkpoint.updatedAt, id: checkpoint.id };
};
const positionOf = (c: ContactRecord): ContactPosition => ({ updatedAt: c.updatedAt, id: c.id });
/** Ids in (updatedAt, id) order of the store's contacts that `keep` selects. */
const expectedIds = (store: ContactRecord[], keep: (c: ContactRecord) => boolean = () => true) =>
  store
    .filter(keep)
    .sort(compare)
    .map((c) => c.id);

let now = T0;

/** The service over `port` (and, when given, a connector), three contacts a page, no look-back. */
function setupWith(
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

function setup(overrides: Partial<AppConfig> = {}, port = new FakeContactsPort()) {
  return { ...setupWith(undefined, port, overrides), port };
}

interface Run {
  pages: ContactSyncPage[];
  ids: string[];
  /** The checkpoint Talkdesk stores at the end of the run. */
  checkpoint?: string;
}

/**
 * Plays Talkdesk: sends `meta`, then follows next_offset and context (with the run's incoming
 * checkpoint) until a page has no next_offset. `between` runs after each page.
 */
async function syncRun(
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

beforeEach(() => {
  now = T0;
  jest.spyOn(Date, 'now').mockImplementation(() => now);
  jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
});

afterEach(() => {
  jest.restoreAllMocks();
});

describe('ContactsService: the four synchronization situations', () => {
  // Not in id order: the order is by updatedAt, then id.
  const store = () => [
    contact(7, T0 - 70 * SECOND),
    contact(1, T0 - 60 * SECOND),
    contact(5, T0 - 50 * SECOND),
    contact(2, T0 - 40 * SECOND),
    contact(6, T0 - 30 * SECOND),
    contact(3, T0 - 20 * SECOND),
    contact(4, T0 - 10 * SECOND),
  ];

  it('no checkpoint and no offset: a full sync, starting with the oldest contacts', async () => {
    const { service } = setup({}, new FakeContactsPort(store()));

    const page = await service.sync(AUTH, {}, budget());

    expect(idsOf(page)).toEqual(['7', '1', '5']);
    expect(page.next_offset).toEqual(expect.any(String));
    expect(page.context).toEqual(expect.any(String));
    expect(positionIn(page.synchronization_checkpoint)).toEqual({
      updatedAt: T0 - 50 * SECOND,
      id: '5',
    });
  });

  it('no checkpoint and an offset: the next page of the initial sync, until every contact is sent', async () => {
    const { service } = setup({}, new FakeContactsPort(store()));
    const first = await service.sync(AUTH, {}, budget());

    const second = await service.sync(
      AUTH,
      { offset: first.next_offset, context: first.context },
      budget(),
    );
    const third = await service.sync(
      AUTH,
      { offset: second.next_offset, context: second.context },
      budget(),
    );

    expect(idsOf(second)).toEqual(['2', '6', '3']);
    expect(idsOf(third)).toEqual(['4']);
    expect(third.next_offset).toBeUndefined();
    expect(third.context).toBeNull();
    expect(positionIn(third.synchronization_checkpoint)).toEqual({
      updatedAt: T0 - 10 * SECOND,
      id: '4',
    });
    expect([...idsOf(first), ...idsOf(second), ...idsOf(third)]).toEqual(expectedIds(store()));
  });

  it('a checkpoint and no offset: an incremental sync returns only the contacts changed after it', async () => {
    const contacts = [
      ...store(),
      contact(10, T0 - 50 * SECOND), // same instant as the checkpoint, after it in id order
      contact(0, T0 - 50 * SECOND), // same instant, before it
    ];
    const { service } = setup({ contactsPageSize: 50 }, new FakeContactsPort(contacts));
    const at = { updatedAt: T0 - 50 * SECOND, id: '5' };

    const page = await service.sync(
      AUTH,
      { synchronization_checkpoint: encodeCheckpoint(at) },
      budget(),
    );

    expect(idsOf(page)).toEqual(expectedIds(contacts, (c) => compare(c, at) > 0));
    expect(idsOf(page)).toEqual(['10', '2', '6', '3', '4']);
    expect(page.next_offset).toBeUndefined();
    expect(positionIn(page.synchronization_checkpoint)).toEqual({
      updatedAt: T0 - 10 * SECOND,
      id: '4',
    });
  });

  it('a checkpoint and an offset: the next page of an incremental sync', async () => {
    const contacts = [...store(), contact(8, T0 - 15 * SECOND), contact(9, T0 - 5 * SECOND)];
    const { service } = setup({ contactsPageSize: 2 }, new FakeContactsPort(contacts));
    const at = { updatedAt: T0 - 45 * SECOND, id: '1' };
    const checkpoint = encodeCheckpoint(at);

    const first = await service.sync(AUTH, { synchronization_checkpoint: checkpoint }, budget());
    const second = await service.sync(
      AUTH,
      { synchronization_checkpoint: checkpoint, offset: first.next_offset, context: first.context },
      budget(),
    );
    const run = await syncRun(service, { synchronization_checkpoint: checkpoint });

    expect(idsOf(first)).toEqual(['2', '6']);
    expect(idsOf(second)).toEqual(['3', '8']);
    expect(run.pages.length).toBeGreaterThan(2);
    expect(run.ids).toEqual(expectedIds(contacts, (c) => compare(c, at) > 0));
  });
});

describe('ContactsService: meta', () => {
  const store = () => [1, 2, 3, 4, 5].map((id) => contact(id, T0 - id * SECOND));

  it('meta null, meta absent, and its fields null or absent all mean the same full sync', async () => {
    const metas: (ContactSyncMeta | null | undefined)[] = [
      undefined,
      null,
      {},
      { synchronization_checkpoint: null, offset: null, context: null },
      { synchronization_checkpoint: undefined, offset: undefined, context: undefined },
      { synchronization_checkpoint: null },
      { offset: null },
      { context: null },
    ];
    const pages: ContactSyncPage[] = [];
    for (const meta of metas) {
      const { service } = setup({}, new FakeContactsPort(store()));
      pages.push(await service.sync(AUTH, meta, budget()));
    }

    expect(idsOf(pages[0])).toEqual(['5', '4', '3']);
    for (const page of pages) expect(page).toEqual(pages[0]);
  });

  it('reads a numeric offset as a token: a number that is not one is an offset_unreadable error naming meta.offset', async () => {
    const { service, port } = setup({}, new FakeContactsPort(store()));

    const attempt = service.sync(AUTH, { offset: 2 }, budget());

    await expect(attempt).rejects.toMatchObject({ code: 'offset_unreadable' });
    await expect(attempt).rejects.toThrow(/meta\.offset/);
    expect(port.queries).toHaveLength(0);
  });

  it('accepts an offset token with an absent context and goes on after it', async () => {
    const { service } = setup({}, new FakeContactsPort(store()));
    const first = await service.sync(AUTH, null, budget());

    const next = await service.sync(AUTH, { offset: first.next_offset }, budget());

    expect(idsOf(next)).toEqual(['2', '1']);
    expect(next.next_offset).toBeUndefined();
  });
});

describe('ContactsService: keyset paging', () => {
  it('contacts sharing one updated_at across a page boundary are neither lost nor repeated', async () => {
    const t = T0 - 60 * SECOND;
    const contacts = [
      contact(1, t - SECOND),
      contact(2, t),
      contact(3, t),
      contact(4, t),
      contact(5, t),
      contact(6, t + SECOND),
    ];
    const { service } = setup({ contactsPageSize: 3 }, new FakeContactsPort(contacts));

    const run = await syncRun(service, null);

    // The first boundary falls between contacts of the same instant.
    const [first, second] = run.pages;
    expect(first.contacts[first.contacts.length - 1].id).toBe('3');
    expect(second.contacts[0].id).toBe('4');
    expect(run.ids).toEqual(['1', '2', '3', '4', '5', '6']);
    expect(new Set(run.ids).size).toBe(run.ids.length);
  });

  it('a page made entirely of one timestamp still advances, and the run ends', async () => {
    const t = T0 - 60 * SECOND;
    const contacts = Array.from({ length: 10 }, (_, i) => contact(i + 1, t));
    const { service } = setup({ contactsPageSize: 3 }, new FakeContactsPort(contacts));

    const run = await syncRun(service, null);

    expect(run.pages.map((p) => p.contacts.length)).toEqual([3, 3, 3, 1]);
    expect(run.ids).toEqual(expectedIds(contacts));
    expect(positionIn(run.checkpoint)).toEqual({ updatedAt: t, id: '10' });
  });

  it('every page stays within the page size and the port is never asked for more', async () => {
    const contacts = Array.from({ length: 11 }, (_, i) => contact(i + 1, T0 - (20 - i) * SECOND));
    const { service, port } = setup({ contactsPageSize: 4 }, new FakeContactsPort(contacts));

    const run = await syncRun(service, undefined);

    expect(run.pages.map((p) => p.contacts.length)).toEqual([4, 4, 3]);
    expect(port.queries.every((q) => q.limit <= 4)).toBe(true);
    expect(run.ids).toEqual(expectedIds(contacts));
  });
});

describe('ContactsService: contacts changing while a sync pages', () => {
  const store = () => Array.from({ length: 10 }, (_, i) => contact(i + 1, T0 - (100 - i) * SECOND));

  it('loses no contact changed mid-run: the run ends without them, the next incremental sync sends them', async () => {
    const port = new FakeContactsPort(store());
    const { service } = setup({ contactsPageSize: 3 }, port);
    const changedAt = T0 + 5 * SECOND;

    const run = await syncRun(service, null, (_page, index) => {
      if (index === 0) {
        port.touch('2', changedAt); // already sent
        port.touch('8', changedAt); // not sent yet
      }
      now += 10 * SECOND;
    });

    // The run's upper bound is the instant it started: what changed later waits for the next sync.
    expect(run.ids).toEqual(['1', '2', '3', '4', '5', '6', '7', '9', '10']);
    expect(run.pages[run.pages.length - 1].next_offset).toBeUndefined();

    now = T0 + 60 * SECOND;
    const incremental = await syncRun(service, { synchronization_checkpoint: run.checkpoint });

    expect(incremental.ids).toEqual(['2', '8']);
    expect(new Set([...run.ids, ...incremental.ids])).toEqual(new Set(expectedIds(store())));
    expect(positionIn(incremental.checkpoint)).toEqual({ updatedAt: changedAt, id: '8' });
  });

  it('carries the upper bound in context, and later pages keep it', async () => {
    const port = new FakeContactsPort(store());
    const { service } = setup({ contactsPageSize: 3 }, port);

    const first = await service.sync(AUTH, null, budget());
    now = T0 + 30 * SECOND;
    const second = await service.sync(
      AUTH,
      { offset: first.next_offset, context: first.context },
      budget(),
    );

    expect(decodeContext(first.context)?.until).toBe(T0);
    expect(decodeContext(second.context)?.until).toBe(T0);
    expect(port.queries.map((q) => q.changedUntil)).toEqual([T0, T0]);
  });

  it('a run interrupted after a page and resumed from that page’s checkpoint loses nothing', async () => {
    const { service } = setup({ contactsPageSize: 4 }, new FakeContactsPort(store()));

    const first = await service.sync(AUTH, null, budget());
    now = T0 + 60 * SECOND;
    const resumed = await syncRun(service, {
      synchronization_checkpoint: first.synchronization_checkpoint,
    });

    expect([...idsOf(first), ...resumed.ids]).toEqual(expectedIds(store()));
  });
});

describe('ContactsService: an incremental sync that finds nothing', () => {
  const store = () => [contact(1, T0 - 600 * SECOND), contact(2, T0 - 500 * SECOND)];

  it.each([0, 30])(
    'keeps the checkpoint’s position and moves only its read instant, to the run’s bound (look-back %i s)',
    async (incrementalLookbackSeconds) => {
      const { service } = setup({ incrementalLookbackSeconds }, new FakeContactsPort(store()));
      const at = { updatedAt: T0 - 500 * SECOND, id: '2' };
      const checkpoint = encodeCheckpoint({ ...at, readTo: T0 - 100 * SECOND });

      const page = await service.sync(AUTH, { synchronization_checkpoint: checkpoint }, budget());

      expect(page.contacts).toEqual([]);
      expect(page.next_offset).toBeUndefined();
      expect(decodeCheckpoint(page.synchronization_checkpoint)).toEqual({ ...at, readTo: T0 });
    },
  );

  it('takes the look-back from the instant the checkpoint’s run read up to, not from its position', async () => {
    const { service, port } = setup(
      { incrementalLookbackSeconds: 30 },
      new FakeContactsPort(store()),
    );
    const far = { updatedAt: T0 - 500 * SECOND, id: '2', readTo: T0 - 100 * SECOND };
    const near = { updatedAt: T0 - 110 * SECOND, id: '2', readTo: T0 - 100 * SECOND };

    await service.sync(AUTH, { synchronization_checkpoint: encodeCheckpoint(far) }, budget());
    await service.sync(AUTH, { synchronization_checkpoint: encodeCheckpoint(near) }, budget());

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
    const old = encodeCheckpoint({ updatedAt: T0 - 400 * SECOND, id: '2' });

    const first = await service.sync(AUTH, { synchronization_checkpoint: old }, budget());
    now = T0 + 60 * SECOND;
    const second = await service.sync(
      AUTH,
      { synchronization_checkpoint: first.synchronization_checkpoint },
      budget(),
    );

    expect(port.queries[0].changedSince).toBe(T0 - 430 * SECOND);
    expect(idsOf(first)).toEqual(['1', '2']);
    expect(decodeCheckpoint(first.synchronization_checkpoint)).toEqual({
      updatedAt: T0 - 400 * SECOND,
      id: '2',
      readTo: T0,
    });
    expect(idsOf(second)).toEqual([]);
  });
});

/** Talkdesk's side of several runs: every run from the checkpoint the one before it returned. */
async function syncsInARow(service: ContactsService, startAt: number[], checkpoint?: string) {
  const runs: Run[] = [];
  for (const at of startAt) {
    now = at;
    const run = await syncRun(
      service,
      checkpoint ? { synchronization_checkpoint: checkpoint } : null,
    );
    runs.push(run);
    checkpoint = run.checkpoint ?? checkpoint;
  }
  return runs;
}

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
      { synchronization_checkpoint: encodeCheckpoint(checkpointAt) },
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
    const checkpoint = encodeCheckpoint(checkpointAt);

    const run = await syncRun(service, { synchronization_checkpoint: checkpoint });

    expect(run.ids).toEqual(['1', '2', '3']);
    // The very string it got while the run pages; at its end, the position with the run's bound.
    const last = run.pages[run.pages.length - 1];
    for (const page of run.pages.slice(0, -1)) {
      expect(page.synchronization_checkpoint).toBe(checkpoint);
    }
    expect(decodeCheckpoint(last.synchronization_checkpoint)).toEqual({
      ...checkpointAt,
      readTo: T0,
    });
  });

  it('never moves the checkpoint backwards, not even to a contact of the same instant that sorts before it', async () => {
    // The checkpoint's own contact is gone; one of the same instant, before it in id order, remains.
    const contacts = [contact(40, checkpointAt.updatedAt)];
    const { service } = setup({ incrementalLookbackSeconds: 30 }, new FakeContactsPort(contacts));
    const checkpoint = encodeCheckpoint(checkpointAt);

    const page = await service.sync(AUTH, { synchronization_checkpoint: checkpoint }, budget());

    expect(idsOf(page)).toEqual(['40']);
    const after = decodeCheckpoint(page.synchronization_checkpoint);
    expect(after && compare(after, checkpointAt)).toBeGreaterThanOrEqual(0);
    expect(positionIn(page.synchronization_checkpoint)).toEqual(checkpointAt);
  });
});

describe('ContactsService: unreadable tokens', () => {
  const store = () => [1, 2, 3, 4].map((id) => contact(id, T0 - (10 - id) * SECOND));

  it.each([
    ['garbage', 'not-a-token'],
    ['a checkpoint used as offset', encodeCheckpoint({ updatedAt: T0 - 9 * SECOND, id: '1' })],
    [
      'a token of another version',
      Buffer.from('{"k":"contacts.offset","v":2,"after":{"u":1,"i":"1"}}').toString('base64url'),
    ],
  ])(
    'an unreadable offset (%s) is an offset_unreadable error about meta.offset',
    async (_case, offset) => {
      const { service, port } = setup({}, new FakeContactsPort(store()));

      const attempt = service.sync(AUTH, { offset }, budget());

      await expect(attempt).rejects.toMatchObject({ code: 'offset_unreadable' });
      await expect(attempt).rejects.toThrow(/meta\.offset/);
      expect(port.queries).toHaveLength(0);
    },
  );

  it('an unreadable checkpoint runs a full sync and logs a warning', async () => {
    const warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    const { service } = setup({ contactsPageSize: 50 }, new FakeContactsPort(store()));

    const page = await service.sync(
      AUTH,
      { synchronization_checkpoint: '2012-11-20 23:01:00 UTC' },
      budget(),
    );

    expect(idsOf(page)).toEqual(['1', '2', '3', '4']);
    expect(positionIn(page.synchronization_checkpoint)).toEqual(positionOf(store()[3]));
    expect(warn).toHaveBeenCalledWith(expect.stringMatching(/synchronization_checkpoint/));
    expect(warn.mock.calls.flat().join(' ')).not.toContain('2012-11-20');
  });

  it('a lost context on a next page still goes on after the offset, and logs a warning', async () => {
    const warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    const { service } = setup({ contactsPageSize: 2 }, new FakeContactsPort(store()));
    const first = await service.sync(AUTH, null, budget());

    const second = await service.sync(
      AUTH,
      { offset: first.next_offset, context: 'something else' },
      budget(),
    );

    expect(idsOf(second)).toEqual(['3', '4']);
    expect(warn).toHaveBeenCalledWith(expect.stringMatching(/context/));
  });
});

describe('ContactsService: a run that lost its context', () => {
  const store = () => [1, 2, 3, 4].map((id) => contact(id, T0 - (10 - id) * SECOND));

  it('claims no later read instant than its earlier pages can have read: the offset’s, or the checkpoint’s', async () => {
    const { service } = setup({ contactsPageSize: 2 }, new FakeContactsPort(store()));
    const first = await service.sync(AUTH, null, budget());
    now = T0 + 60 * SECOND;

    const second = await service.sync(
      AUTH,
      { offset: first.next_offset, context: 'lost' },
      budget(),
    );
    const incoming = encodeCheckpoint({
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
    expect(decodeCheckpoint(second.synchronization_checkpoint)).toEqual({
      ...positionOf(store()[3]),
      readTo: T0 - 8 * SECOND,
    });
    expect(decodeCheckpoint(third.synchronization_checkpoint)?.readTo).toBe(T0 - 20 * SECOND);
  });
});

describe('ContactsService: page size', () => {
  it('CONTACTS_PAGE_SIZE sets the number of contacts per page', async () => {
    const contacts = Array.from({ length: 9 }, (_, i) => contact(i + 1, T0 - (20 - i) * SECOND));
    const { sut: service } = newTestService(ContactsService, {
      env: { CONTACTS_PAGE_SIZE: '4', INCREMENTAL_LOOKBACK_SECONDS: '0' },
      ports: { contacts: new FakeContactsPort(contacts) },
    });

    const run = await syncRun(service, null);

    expect(run.pages.map((p) => p.contacts.length)).toEqual([4, 4, 1]);
    expect(run.ids).toEqual(expectedIds(contacts));
  });
});

describe('ContactsService: time budget', () => {
  it('answers a partial page before the budget is spent, with a next_offset that loses nothing', async () => {
    jest.restoreAllMocks(); // real clock: the budget is about real time
    jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    const contacts = Array.from({ length: 1000 }, (_, i) =>
      contact(i + 1, Date.now() - (1000 - i) * SECOND),
    );
    const { service } = setup({ contactsPageSize: 1000 }, slowContactsPort(contacts, 20, 20));
    const budgetMs = 600;

    const startedAt = performance.now();
    const first = await service.sync(AUTH, null, new TimeBudget(budgetMs));
    const elapsed = performance.now() - startedAt;

    expect(elapsed).toBeLessThan(budgetMs);
    expect(first.contacts.length).toBeGreaterThan(0);
    expect(first.contacts.length).toBeLessThan(contacts.length);
    expect(first.next_offset).toEqual(expect.any(String));

    const ids = [...idsOf(first)];
    let page = first;
    for (let pages = 0; page.next_offset !== undefined; pages++) {
      if (pages > 50) throw new Error('the run does not end');
      page = await service.sync(
        AUTH,
        { offset: page.next_offset, context: page.context },
        new TimeBudget(budgetMs),
      );
      ids.push(...idsOf(page));
    }
    expect(ids).toEqual(expectedIds(contacts));
  });
});

describe('ContactsService: a misbehaving port', () => {
  it('a port that says hasMore but lists nothing is an UpstreamError, not an endless loop', async () => {
    class EmptyButMorePort extends FakeContactsPort {
      override async listContacts(
        _account: AccountRef,
        query: ContactQuery,
      ): Promise<ContactBatch> {
        this.queries.push(query);
        return { records: [], hasMore: true };
      }
    }
    const port = new EmptyButMorePort();
    const { service } = setup({}, port);

    await expect(service.sync(AUTH, null, budget())).rejects.toBeInstanceOf(UpstreamError);
    expect(port.queries).toHaveLength(1);
  });
});

describe('ContactsService: credentials', () => {
  it('rejected credentials are a credentials_rejected error and no contact is read', async () => {
    const { service, port } = setup({}, new FakeContactsPort([contact(1, T0 - SECOND)]));

    await expect(
      service.sync({ ...AUTH, password: 'wrong' }, null, budget()),
    ).rejects.toMatchObject({ code: 'credentials_rejected' });
    expect(port.queries).toHaveLength(0);
  });
});

describe('ContactsService: offsets', () => {
  it('next_offset decodes to the position of the last contact of the page', async () => {
    const contacts = [1, 2, 3, 4].map((id) => contact(id, T0 - (10 - id) * SECOND));
    const { service } = setup({ contactsPageSize: 2 }, new FakeContactsPort(contacts));

    const page = await service.sync(AUTH, null, budget());

    expect(decodeOffset(page.next_offset)).toEqual(positionOf(contacts[1]));
  });
});

/**
 * An upstream listed in its own order (not by update time), paged by its own page numbers
 * (`resume`), with at most `perCall` records per call: what a full-sync REST connector does.
 */
class PagedPort extends ContactsPort {
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

describe('ContactsService: the adapter’s own paging state', () => {
  it('is carried inside next_offset and handed back with the next batch', async () => {
    const store = [5, 1, 9, 3, 7, 2, 8].map((id, i) => contact(id, T0 - (i + 1) * SECOND));
    const port = new PagedPort(store, 2);
    const { service } = setupWith(new FakeConnectorPort({ contactSync: 'full' }), port);

    const run = await syncRun(service, null);

    expect(run.ids).toEqual(store.map((c) => c.id));
    expect(port.queries.map((q) => q.resume)).toEqual([undefined, 2, 3, 5, 6]);
    expect(decodeOffsetState(run.pages[0].next_offset)).toEqual({
      after: positionOf(store[2]),
      resume: 3,
    });
  });

  it('older offsets without it are still read', async () => {
    const contacts = [1, 2, 3, 4, 5].map((id) => contact(id, T0 - (10 - id) * SECOND));
    const port = new FakeContactsPort(contacts);
    const { service } = setup({ contactsPageSize: 2 }, port);
    const page = await service.sync(
      AUTH,
      { offset: encodeOffset(positionOf(contacts[1])), context: null },
      budget(),
    );
    expect(idsOf(page)).toEqual(['3', '4']);
  });
});

describe('ContactsService: a connector that can only list every contact', () => {
  it('issues no checkpoint, and ignores one Talkdesk sends: every sync is a full one', async () => {
    const store = [4, 2, 6, 1].map((id, i) => contact(id, T0 - (i + 1) * SECOND));
    const port = new PagedPort(store, 10);
    const { service } = setupWith(new FakeConnectorPort({ contactSync: 'full' }), port);

    const first = await syncRun(service, null);
    expect(first.ids).toEqual(['4', '2', '6', '1']);
    expect(first.pages.every((p) => p.synchronization_checkpoint === undefined)).toBe(true);

    const checkpoint = encodeCheckpoint({ updatedAt: T0, id: '6' });
    const again = await syncRun(service, { synchronization_checkpoint: checkpoint });
    expect(again.ids).toEqual(['4', '2', '6', '1']);
    expect(port.queries[port.queries.length - 1].changedSince).toBeUndefined();
    expect(again.pages.every((p) => p.synchronization_checkpoint === undefined)).toBe(true);
  });

  it('a batch that lists nothing but moves the paging on is not an error', async () => {
    class SkippingPort extends ContactsPort {
      calls = 0;
      async listContacts(_a: AccountRef, query: ContactQuery): Promise<ContactBatch> {
        this.calls++;
        if (query.resume === undefined) return { records: [], hasMore: true, resume: 'p2' };
        return { records: [contact(1, T0 - SECOND)], hasMore: false };
      }
    }
    const port = new SkippingPort();
    const { service } = setupWith(new FakeConnectorPort({ contactSync: 'full' }), port);
    const page = await service.sync(AUTH, null, budget());
    expect(idsOf(page)).toEqual(['1']);
    expect(port.calls).toBe(2);
  });
});

describe('ContactsService: the connector’s own look-back window', () => {
  it('applies when longer than INCREMENTAL_LOOKBACK_SECONDS', async () => {
    const port = new FakeContactsPort([contact(1, T0 - 10 * SECOND)]);
    const { service } = setupWith(new FakeConnectorPort({ minimumLookbackMs: 120_000 }), port, {
      incrementalLookbackSeconds: 30,
    });
    const checkpoint = encodeCheckpoint({ updatedAt: T0 - 5 * SECOND, id: '1' });
    await service.sync(AUTH, { synchronization_checkpoint: checkpoint }, budget());
    expect(port.queries[0].changedSince).toBe(T0 - 5 * SECOND - 120_000);
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
    now = start;

    const run = await syncRun(service, null, (_page, index) => {
      // While the run pages, contacts it already sent change again, within its start second.
      if (index === 0) ['1', '2', '3'].forEach((id) => port.touch(id, T0));
      now += 10;
    });

    expect(new Set(run.ids).size).toBe(run.ids.length);
    // The 10 earlier contacts once each; the start second waits for the next run.
    expect(run.ids).toEqual(['1', '2', '3', '4', '5', '6', '7', '8', '9', '10']);
    expect(port.queries.every((q) => q.changedUntil === T0 - SECOND)).toBe(true);
    expect(decodeContext(run.pages[0].context)?.until).toBe(T0 - SECOND);
    expect(decodeCheckpoint(run.checkpoint)?.readTo).toBe(T0 - SECOND);

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
    const checkpoint = encodeCheckpoint({
      updatedAt: T0 - 100 * SECOND,
      id: '1',
      readTo: T0 - 80 * SECOND + 250,
    });

    await service.sync(AUTH, { synchronization_checkpoint: checkpoint }, budget());

    expect(port.queries[0].changedSince).toBe(T0 - 110 * SECOND);
  });
});

/** Lists the store's contacts changed in the run's bounds in the order given, paged by its own cursor. */
class OwnOrderPort extends ContactsPort {
  readonly queries: ContactQuery[] = [];
  constructor(
    private readonly ordered: ContactRecord[],
    private readonly perCall: number,
  ) {
    super();
  }

  async listContacts(_account: AccountRef, query: ContactQuery): Promise<ContactBatch> {
    this.queries.push({ ...query });
    const from = typeof query.resume === 'number' ? query.resume : 0;
    const matching = this.ordered.filter(
      (c) =>
        c.updatedAt <= query.changedUntil &&
        (query.changedSince === undefined || c.updatedAt >= query.changedSince),
    );
    const take = Math.min(query.limit, this.perCall);
    const records = matching.slice(from, from + take).map((c) => ({ ...c }));
    const next = from + take;
    return next < matching.length
      ? { records, hasMore: true, resume: next }
      : { records, hasMore: false };
  }
}

describe('ContactsService: the order guard', () => {
  const inOrder = Array.from({ length: 6 }, (_, i) => contact(i + 1, T0 - (60 - i) * SECOND));

  it('a batch out of (updatedAt, id) order is upstream_order_violated naming the connector and both positions, logged, and nothing is answered', async () => {
    const error = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    // The third contact comes before the second.
    const listed = [inOrder[0], inOrder[2], inOrder[1], ...inOrder.slice(3)];
    const port = new OwnOrderPort(listed, 10);
    const { service } = setupWith(new FakeConnectorPort(), port, { contactsPageSize: 10 });

    const attempt = service.sync(AUTH, null, budget());

    await expect(attempt).rejects.toMatchObject({ code: 'upstream_order_violated', status: 502 });
    const message = await attempt.catch((e: Error) => e.message);
    expect(message).toContain('fake');
    expect(message).toContain(`(${new Date(inOrder[1].updatedAt).toISOString()}, id "2")`);
    expect(message).toContain(`(${new Date(inOrder[2].updatedAt).toISOString()}, id "3")`);
    expect(error).toHaveBeenCalledWith(message);
  });

  it('a batch that starts before the position it was asked to follow is refused too, and no checkpoint passes what was sent', async () => {
    jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    // Each batch is in order, but the second starts before the end of the first.
    const listed = [inOrder[0], inOrder[1], inOrder[4], inOrder[2], inOrder[3], inOrder[5]];
    const port = new OwnOrderPort(listed, 3);
    const { service } = setupWith(new FakeConnectorPort(), port, { contactsPageSize: 3 });
    const sent: string[] = [];
    const checkpoints: string[] = [];

    let page = await service.sync(AUTH, null, budget());
    sent.push(...idsOf(page));
    checkpoints.push(page.synchronization_checkpoint!);
    const next = service.sync(AUTH, { offset: page.next_offset, context: page.context }, budget());

    await expect(next).rejects.toMatchObject({ code: 'upstream_order_violated' });
    expect(sent).toEqual(['1', '2', '5']);
    // The only checkpoint issued is the last contact sent; the second page answered none.
    expect(positionIn(checkpoints[0])).toEqual(positionOf(inOrder[4]));
    // Within one page, a later batch out of order keeps the earlier batch from being answered.
    const onePage = setupWith(new FakeConnectorPort(), new OwnOrderPort(listed, 3), {
      contactsPageSize: 6,
    }).service;
    await expect(onePage.sync(AUTH, null, budget())).rejects.toMatchObject({
      code: 'upstream_order_violated',
    });
    page = await setupWith(new FakeConnectorPort(), new OwnOrderPort(inOrder, 3), {
      contactsPageSize: 6,
    }).service.sync(AUTH, null, budget());
    expect(idsOf(page)).toEqual(['1', '2', '3', '4', '5', '6']);
  });

  it('a repeated contact (the same position twice) is out of order, and an update time that is not a number too', async () => {
    jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    const twice = new OwnOrderPort([inOrder[0], inOrder[1], inOrder[1]], 10);
    class BrokenPort extends ContactsPort {
      async listContacts(): Promise<ContactBatch> {
        return { records: [inOrder[0], { ...inOrder[1], updatedAt: Number.NaN }], hasMore: false };
      }
    }
    const broken = new BrokenPort();
    for (const port of [twice, broken]) {
      const { service } = setupWith(new FakeConnectorPort(), port, { contactsPageSize: 10 });
      await expect(service.sync(AUTH, null, budget())).rejects.toMatchObject({
        code: 'upstream_order_violated',
      });
    }
  });

  it('does not apply to a connector that lists every contact in its own order', async () => {
    const listed = [inOrder[3], inOrder[0], inOrder[5]];
    const { service } = setupWith(
      new FakeConnectorPort({ contactSync: 'full' }),
      new OwnOrderPort(listed, 10),
      { contactsPageSize: 10 },
    );

    const page = await service.sync(AUTH, null, budget());

    expect(idsOf(page)).toEqual(['4', '1', '6']);
  });
});
