import { Logger } from '@nestjs/common';
import { performance } from 'node:perf_hooks';
import { UpstreamError } from '../connectors/ports/errors';
import { AccountRef, ContactBatch, ContactQuery, ContactsPort } from '../connectors/ports';
import { TimeBudget } from '../common/time-budget';
import {
  compareContacts as compare,
  FakeConnectorPort,
  FakeContactsPort,
} from '../../test/support/fakes';
import { budget, newTestService, TEST_TOKENS } from '../../test/support/test-service';
import {
  decodeContext,
  decodeOffset,
  decodeOffsetState,
  encodeCheckpoint,
  encodeOffset,
} from './contact-sync-tokens';
import { ContactsService, ContactSyncMeta, ContactSyncPage } from './contacts.service';
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
  PagedPort,
  setupWith,
  syncRun,
  T0,
  useContactSyncClock,
  slowContactsPort,
} from '../../test/support/contact-sync-harness';

useContactSyncClock();

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
      { synchronization_checkpoint: encodeCheckpoint(TEST_TOKENS, at) },
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
    const checkpoint = encodeCheckpoint(TEST_TOKENS, at);

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
      clock.now += 10 * SECOND;
    });

    // The run's upper bound is the instant it started: what changed later waits for the next sync.
    expect(run.ids).toEqual(['1', '2', '3', '4', '5', '6', '7', '9', '10']);
    expect(run.pages[run.pages.length - 1].next_offset).toBeUndefined();

    clock.now = T0 + 60 * SECOND;
    const incremental = await syncRun(service, { synchronization_checkpoint: run.checkpoint });

    expect(incremental.ids).toEqual(['2', '8']);
    expect(new Set([...run.ids, ...incremental.ids])).toEqual(new Set(expectedIds(store())));
    expect(positionIn(incremental.checkpoint)).toEqual({ updatedAt: changedAt, id: '8' });
  });

  it('carries the upper bound in context, and later pages keep it', async () => {
    const port = new FakeContactsPort(store());
    const { service } = setup({ contactsPageSize: 3 }, port);

    const first = await service.sync(AUTH, null, budget());
    clock.now = T0 + 30 * SECOND;
    const second = await service.sync(
      AUTH,
      { offset: first.next_offset, context: first.context },
      budget(),
    );

    expect(decodeContext(TEST_TOKENS, first.context)?.until).toBe(T0);
    expect(decodeContext(TEST_TOKENS, second.context)?.until).toBe(T0);
    expect(port.queries.map((q) => q.changedUntil)).toEqual([T0, T0]);
  });

  it('a run interrupted after a page and resumed from that page’s checkpoint loses nothing', async () => {
    const { service } = setup({ contactsPageSize: 4 }, new FakeContactsPort(store()));

    const first = await service.sync(AUTH, null, budget());
    clock.now = T0 + 60 * SECOND;
    const resumed = await syncRun(service, {
      synchronization_checkpoint: first.synchronization_checkpoint,
    });

    expect([...idsOf(first), ...resumed.ids]).toEqual(expectedIds(store()));
  });
});

describe('ContactsService: unreadable tokens', () => {
  const store = () => [1, 2, 3, 4].map((id) => contact(id, T0 - (10 - id) * SECOND));

  it.each([
    ['garbage', 'not-a-token'],
    [
      'a checkpoint used as offset',
      encodeCheckpoint(TEST_TOKENS, { updatedAt: T0 - 9 * SECOND, id: '1' }),
    ],
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

    expect(decodeOffset(TEST_TOKENS, page.next_offset)).toEqual(positionOf(contacts[1]));
  });
});

describe('ContactsService: the adapter’s own paging state', () => {
  it('is carried inside next_offset and handed back with the next batch', async () => {
    const store = [5, 1, 9, 3, 7, 2, 8].map((id, i) => contact(id, T0 - (i + 1) * SECOND));
    const port = new PagedPort(store, 2);
    const { service } = setupWith(new FakeConnectorPort({ contactSync: 'full' }), port);

    const run = await syncRun(service, null);

    expect(run.ids).toEqual(store.map((c) => c.id));
    expect(port.queries.map((q) => q.resume)).toEqual([undefined, 2, 3, 5, 6]);
    expect(decodeOffsetState(TEST_TOKENS, run.pages[0].next_offset)).toEqual({
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
      { offset: encodeOffset(TEST_TOKENS, positionOf(contacts[1])), context: null },
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

    const checkpoint = encodeCheckpoint(TEST_TOKENS, { updatedAt: T0, id: '6' });
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
