import { Logger } from '@nestjs/common';
import { AccountRef, ContactBatch, ContactQuery, ContactRecord } from '../connectors/ports';
import { UpstreamError, UpstreamUnavailableError } from '../connectors/ports/errors';
import { FakeConnectorPort } from '../../test/support/fakes';
import { budget } from '../../test/support/test-service';
import {
  AUTH,
  contact,
  idsOf,
  PagedPort,
  SECOND,
  setupWith,
  T0,
  useContactSyncClock,
} from '../../test/support/contact-sync-harness';

/** A page filled in several batches, one of which the upstream's rate limit (or pacing) stops. */

useContactSyncClock();

/** Lists `perCall` contacts a batch, paged by its own cursor; the calls in `paused` fail. */
class PausingPort extends PagedPort {
  calls = 0;
  constructor(
    ordered: ContactRecord[],
    perCall: number,
    private readonly paused: Map<number, Error>,
  ) {
    super(ordered, perCall);
  }

  override async listContacts(account: AccountRef, query: ContactQuery): Promise<ContactBatch> {
    const error = this.paused.get(++this.calls);
    if (error) throw error;
    return super.listContacts(account, query);
  }
}

describe('ContactsService: a page the upstream pauses', () => {
  const listed = Array.from({ length: 6 }, (_, i) => contact(i + 1, T0 - (60 - i) * SECOND));
  beforeEach(() => jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined));

  it('answers the contacts it has, with a next_offset that resumes exactly after them', async () => {
    for (const pause of [
      new UpstreamUnavailableError('pacing spent, retry in 2 s', 2000),
      new UpstreamError('rate limited', false, 'upstream_rate_limited'),
    ]) {
      const port = new PausingPort(listed, 2, new Map([[2, pause]]));
      const { service } = setupWith(new FakeConnectorPort(), port, { contactsPageSize: 6 });
      const first = await service.sync(AUTH, null, budget());
      expect(idsOf(first)).toEqual(['1', '2']);
      expect(first.next_offset).toBeTruthy();
      const rest = await service.sync(
        AUTH,
        { offset: first.next_offset, context: first.context },
        budget(),
      );
      expect(idsOf(rest)).toEqual(['3', '4', '5', '6']);
      expect(rest.next_offset).toBeFalsy();
      expect(rest.synchronization_checkpoint).toBeTruthy();
    }
  });

  it('a page whose batches moved the paging on without contacts answers empty, from there', async () => {
    // The upstream's first batch lists nothing but moves its paging on (ranges it counted, read
    // ahead), the second is paused: the page keeps what the first learned.
    class LearningPort extends PausingPort {
      override async listContacts(account: AccountRef, query: ContactQuery) {
        if (query.resume === undefined) {
          this.calls++;
          return { records: [], hasMore: true, resume: 0 };
        }
        return super.listContacts(account, query);
      }
    }
    const port = new LearningPort(
      listed,
      2,
      new Map([[2, new UpstreamUnavailableError('pacing spent, retry in 2 s', 2000)]]),
    );
    const { service } = setupWith(new FakeConnectorPort(), port, { contactsPageSize: 6 });
    const first = await service.sync(AUTH, null, budget());
    expect(idsOf(first)).toEqual([]);
    expect(first.next_offset).toBeTruthy();
    const rest = await service.sync(
      AUTH,
      { offset: first.next_offset, context: first.context },
      budget(),
    );
    expect(idsOf(rest)).toEqual(['1', '2', '3', '4', '5', '6']);
    expect(port.queries.map((q) => q.resume)).toEqual([0, 2, 4]);
  });

  it('fails a page with nothing to answer, and other errors as they are', async () => {
    const nothing = new PausingPort(
      listed,
      2,
      new Map([[1, new UpstreamUnavailableError('x', 1000)]]),
    );
    const first = setupWith(new FakeConnectorPort(), nothing, { contactsPageSize: 6 }).service;
    await expect(first.sync(AUTH, null, budget())).rejects.toMatchObject({
      code: 'upstream_unavailable',
    });
    const broken = new PausingPort(listed, 2, new Map([[2, new UpstreamError('broken')]]));
    const second = setupWith(new FakeConnectorPort(), broken, { contactsPageSize: 6 }).service;
    await expect(second.sync(AUTH, null, budget())).rejects.toMatchObject({
      code: 'upstream_failed',
    });
  });
});
