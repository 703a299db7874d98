import { join } from 'node:path';
import { Logger } from '@nestjs/common';
import { TimeBudget } from '../../../../common/time-budget';
import { ContactQuery, ContactRecord } from '../../../ports';
import { RetryableUpstreamError } from '../../../ports/errors';
import { loadManifest } from '../../manifest/load-manifest';
import { PageState } from '../paginators';
import { RestAccount } from '../rest-account';
import { Page, RestClient } from '../rest-client';
import { Secrets } from '../secrets';
import { ContactsCapability } from './contacts';

/**
 * Contacts over connectors/pipedrive.yaml (a cursor list sorted by update time) with the
 * client's page reads played from memory, one of them answered 429: the batch answers what it
 * has read, and the next one goes on without reading a page twice.
 */

const T0 = Date.UTC(2025, 0, 1);
const PAGE = 5;
/** 10 pages of 5 persons, oldest first. */
const PERSONS = Array.from({ length: 50 }, (_, i) => ({
  id: 100 + i,
  name: `Person ${i}`,
  update_time: new Date(T0 + i * 60_000).toISOString(),
}));

describe('ContactsCapability: a batch a rate limit stops', () => {
  let client: RestClient;
  let contacts: ContactsCapability;
  let account: RestAccount;
  /** Pages asked of the upstream (not taken from the carry), by cursor. */
  let asked: string[];
  /** Reads (1-based, counting the refused) answered 429. */
  let limited: Set<number>;

  beforeEach(() => {
    const manifest = loadManifest(join(__dirname, '../../../../../connectors/pipedrive.yaml'));
    const logger = new Logger('test');
    jest.spyOn(logger, 'warn').mockImplementation(() => undefined);
    client = new RestClient(manifest, { logger });
    contacts = new ContactsCapability(client);
    account = new RestAccount('acct', { company_domain: 'acme' }, 'ck', new Secrets([]));
    asked = [];
    limited = new Set();
    jest
      .spyOn(client, 'readPage')
      .mockImplementation(
        async (_acc, _stream, _scope, state: PageState, _signal, _label, options) => {
          const kept = await client.carry.take(account, options?.carried, JSON.stringify(state));
          if (kept) return { ...kept, carried: true, ms: 0 };
          const at = state.k === 'cursor' ? Number(state.cursor) : 0;
          asked.push(String(at));
          if (limited.has(asked.length)) {
            throw new RetryableUpstreamError('429', 1000, 'upstream_rate_limited');
          }
          const records = PERSONS.slice(at, at + PAGE);
          const next: PageState | null =
            at + PAGE < PERSONS.length ? { k: 'cursor', cursor: String(at + PAGE) } : null;
          const page: Page = { records, filtered: 0, next, status: 200, bytes: 100, ms: 5 };
          return page;
        },
      );
  });
  afterEach(() => client.close());

  const signal = () => new TimeBudget(60_000).signal;
  const run = async (base: Omit<ContactQuery, 'limit'>) => {
    const sent: ContactRecord[] = [];
    const sizes: number[] = [];
    let query: ContactQuery = { ...base, limit: 100 };
    for (let n = 0; n < 20; n++) {
      const batch = await contacts.listContacts(account, query, signal());
      sent.push(...batch.records);
      sizes.push(batch.records.length);
      if (!batch.hasMore) break;
      const last = batch.records[batch.records.length - 1];
      query = {
        ...query,
        ...(!base.unordered && { after: { updatedAt: last.updatedAt, id: last.id } }),
        resume: batch.resume,
      };
    }
    return { sent, sizes };
  };
  const everyPersonOnce = (sent: ContactRecord[]) =>
    expect(sent.map((c) => c.id)).toEqual(PERSONS.map((p) => String(p.id)));

  it('incremental: answers the final contacts, keeps the pages after them, reads none twice', async () => {
    limited = new Set([4]);
    const { sent, sizes } = await run({ changedUntil: T0 + 3_600_000 });
    everyPersonOnce(sent);
    // The last contact read (page 3's last) may share its time with the next page: not final.
    expect(sizes[0]).toBe(3 * PAGE - 1);
    // 10 pages, and the one answered 429 asked again.
    expect(asked).toEqual(['0', '5', '10', '15', '15', '20', '25', '30', '35', '40', '45']);
  });

  it('full sync in the upstream’s order: answers the pages read, the next batch starts at the one refused', async () => {
    limited = new Set([3]);
    const { sent, sizes } = await run({ changedUntil: T0 + 3_600_000, unordered: true });
    everyPersonOnce(sent);
    expect(sizes[0]).toBe(2 * PAGE);
    expect(asked).toEqual(['0', '5', '10', '10', '15', '20', '25', '30', '35', '40', '45']);
  });

  it('a 429 before anything was read fails the batch, to be tried again', async () => {
    limited = new Set([1]);
    await expect(
      contacts.listContacts(account, { changedUntil: T0 + 3_600_000, limit: 100 }, signal()),
    ).rejects.toThrow(RetryableUpstreamError);
  });
});
