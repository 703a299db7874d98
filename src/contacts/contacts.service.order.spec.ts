import { Logger } from '@nestjs/common';
import {
  AccountRef,
  ContactBatch,
  ContactQuery,
  ContactRecord,
  ContactsPort,
} from '../connectors/ports';
import { FakeConnectorPort } from '../../test/support/fakes';
import { budget } from '../../test/support/test-service';
import {
  AUTH,
  contact,
  idsOf,
  positionIn,
  positionOf,
  SECOND,
  setupWith,
  T0,
  useContactSyncClock,
} from '../../test/support/contact-sync-harness';

/** The order guard: every batch of an incremental connector checked before anything is answered. */

useContactSyncClock();

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
