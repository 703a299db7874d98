import { join } from 'node:path';
import { Logger } from '@nestjs/common';
import { TimeBudget } from '../../../../common/time-budget';
import { ContactQuery } from '../../../ports';
import { RetryableUpstreamError, UpstreamError } from '../../../ports/errors';
import { loadManifest } from '../../manifest/load-manifest';
import { PacingRefusedError } from '../pacer';
import { PageState } from '../paginators';
import { RestAccount } from '../rest-account';
import { Page, RestClient } from '../rest-client';
import { Secrets } from '../secrets';
import { listSlices } from './contacts-slices';

/**
 * listSlices over connectors/freshdesk.yaml with the client's page reads played from memory:
 * a search by day range, 30 a page, its total; some reads refused as the pacing would.
 */

const DAY = 86_400_000;
const T0 = Date.UTC(2024, 2, 1);
/** 40 contacts a day over 5 days: 200 contacts, two search pages a day. */
let CONTACTS = fiveDays();
function fiveDays() {
  return Array.from({ length: 200 }, (_, i) => ({
    id: 1000 + ((i * 7919) % 200),
    name: `Contact ${i}`,
    email: `c${i}@x.example`,
    updated_at: new Date(T0 + Math.floor(i / 40) * DAY + (i % 40) * 60_000).toISOString(),
  }));
}

describe('listSlices (date-range slices)', () => {
  let client: RestClient;
  let account: RestAccount;
  let reads: number;
  /** Reads (1-based) answered as the pacing refusing them. */
  let refused: Set<number>;
  /** The total of each read's range. */
  let totals: number[];
  /** The order the search answers in (Freshdesk documents none). */
  let order: (found: typeof CONTACTS) => typeof CONTACTS;

  beforeEach(() => {
    const manifest = loadManifest(join(__dirname, '../../../../../connectors/freshdesk.yaml'));
    const logger = new Logger('test');
    jest.spyOn(logger, 'warn').mockImplementation(() => undefined);
    client = new RestClient(manifest, { logger });
    account = new RestAccount('acct', { domain: 'acme', api_key: 'k' }, 'ck', new Secrets([]));
    reads = 0;
    refused = new Set();
    totals = [];
    order = (found) => found;
    CONTACTS = fiveDays();
    jest
      .spyOn(client, 'readPage')
      .mockImplementation(
        async (_acc, _stream, scope, state: PageState, _signal, _label, options) => {
          const kept = await client.carry.take(account, options?.carried, JSON.stringify(state));
          if (kept) return { ...kept, carried: true, ms: 0 };
          reads++;
          if (refused.has(reads)) {
            throw new PacingRefusedError('pacing spent', 1000);
          }
          const since = Date.parse(`${String(scope.since)}T00:00:00Z`);
          const until = Date.parse(`${String(scope.until)}T00:00:00Z`) + DAY;
          const found = order(
            CONTACTS.filter((c) => {
              const at = Date.parse(c.updated_at);
              return at >= since && at < until;
            }),
          );
          totals.push(found.length);
          const page = state.k === 'page' ? state.page : 1;
          const records = found.slice((page - 1) * 30, page * 30);
          const next: PageState | null =
            page * 30 < found.length ? { k: 'page', page: page + 1, read: page * 30 } : null;
          const answer: Page = {
            records,
            filtered: 0,
            total: found.length,
            next,
            status: 200,
            bytes: 100,
            ms: 5,
          };
          return answer;
        },
      );
  });
  afterEach(() => client.close());

  const contacts = () => client.manifest.contacts!;
  const query = (over: Partial<ContactQuery> = {}): ContactQuery => ({
    changedSince: T0,
    changedUntil: T0 + 5 * DAY - 1,
    limit: 1000,
    ...over,
  });
  const signal = () => new TimeBudget(60_000).signal;

  it('answers the slices read whole when the pacing stops the batch, and resumes exactly there', async () => {
    // The window (5 days, 200 contacts) is one slice of 7 pages; the refusal comes on its
    // 4th page: nothing whole to answer, so the batch fails, to be tried again.
    refused = new Set([4]);
    await expect(listSlices(client, account, contacts(), query(), signal())).rejects.toThrow(
      RetryableUpstreamError,
    );
    // Tried again, the kept pages are not read again: the rest of the slice, then it is whole.
    const whole = await listSlices(client, account, contacts(), query(), signal());
    expect(reads).toBe(8);
    expect(whole.records).toHaveLength(200);
    expect(whole.hasMore).toBe(false);
  });

  it('a refusal after a whole slice answers that slice, with a resume that sends the rest once', async () => {
    // Slices of one day (max 40 each): the window is halved until each fits.
    const oneDay = { ...contacts(), incremental: { ...contacts().incremental! } };
    oneDay.incremental.slice = { ...oneDay.incremental.slice!, maxRecords: 40 };
    // 200 > 40: halved ([1, 2] days: 80 > 40, halved again: day 1 = 40 fits, read in 2 pages).
    // Reads: whole window (1), 2 days (2), day 1 p1 (3), p2 (4), day 2 p1 (5) refused.
    refused = new Set([5]);
    const first = await listSlices(client, account, oneDay, query(), signal());
    expect(first.hasMore).toBe(true);
    expect(first.records).toHaveLength(40);
    const ordered = [...first.records].sort(
      (a, b) => a.updatedAt - b.updatedAt || Number(a.id) - Number(b.id),
    );
    expect(first.records).toEqual(ordered);
    const seen = first.records.map((r) => r.id);
    let batch = first;
    for (let n = 0; batch.hasMore && n < 20; n++) {
      const last = batch.records[batch.records.length - 1];
      batch = await listSlices(
        client,
        account,
        oneDay,
        query({ after: { updatedAt: last.updatedAt, id: last.id }, resume: batch.resume }),
        signal(),
      );
      seen.push(...batch.records.map((r) => r.id));
    }
    expect(batch.hasMore).toBe(false);
    expect(new Set(seen).size).toBe(seen.length);
    expect([...seen].sort()).toEqual(CONTACTS.map((c) => String(c.id)).sort());
  });

  it('an enrichment the pacing refuses leaves its slice to the next batch', async () => {
    const oneDay = { ...contacts(), incremental: { ...contacts().incremental! } };
    oneDay.incremental.slice = { ...oneDay.incremental.slice!, maxRecords: 40 };
    let enriched = 0;
    const enrich = () => {
      enriched++;
      return enriched === 2
        ? Promise.reject(new PacingRefusedError('pacing spent', 1000))
        : Promise.resolve();
    };
    const first = await listSlices(client, account, oneDay, query(), signal(), [], enrich);
    expect(first.records).toHaveLength(40);
    expect(first.hasMore).toBe(true);
  });

  it('once a slice is read whole, the next are cut by its density: none asked in vain', async () => {
    // 30 a day over 20 days, at most 100 a slice: halving alone asks ranges of 150 again.
    CONTACTS = Array.from({ length: 600 }, (_, i) => ({
      id: 5000 + i,
      name: `Contact ${i}`,
      email: `d${i}@x.example`,
      updated_at: new Date(T0 + Math.floor(i / 30) * DAY + (i % 30) * 60_000).toISOString(),
    }));
    const narrow = { ...contacts(), incremental: { ...contacts().incremental! } };
    narrow.incremental.slice = { ...narrow.incremental.slice!, maxRecords: 100 };
    const seen: string[] = [];
    let batch = await listSlices(
      client,
      account,
      narrow,
      query({ changedUntil: T0 + 20 * DAY - 1, limit: 250 }),
      signal(),
    );
    seen.push(...batch.records.map((r) => r.id));
    while (batch.hasMore) {
      const last = batch.records[batch.records.length - 1];
      batch = await listSlices(
        client,
        account,
        narrow,
        query({
          changedUntil: T0 + 20 * DAY - 1,
          limit: 250,
          after: { updatedAt: last.updatedAt, id: last.id },
          resume: batch.resume,
        }),
        signal(),
      );
      seen.push(...batch.records.map((r) => r.id));
    }
    expect([...seen].sort()).toEqual(CONTACTS.map((c) => String(c.id)).sort());
    const vain = totals.map((n) => n === 0 || n > 100);
    expect(vain.slice(vain.indexOf(false))).not.toContain(true);
  });

  describe('a full sync from slice.start (2010) to changes of 14 days in 2024, 84 a day', () => {
    const days = 14;
    const until = Date.UTC(2026, 11, 1);
    beforeEach(() => {
      CONTACTS = Array.from({ length: days * 84 }, (_, i) => ({
        id: 7000 + i,
        name: `Contact ${i}`,
        email: `e${i}@x.example`,
        updated_at: new Date(T0 + Math.floor(i / 84) * DAY + (i % 84) * 997_000).toISOString(),
      }));
    });
    /** Every batch of a run, as Talkdesk asks: each contact once and in order; the searches. */
    const fullSync = async () => {
      const seen: string[] = [];
      let batch;
      let q = query({ changedSince: undefined, changedUntil: until, limit: 250 });
      for (let n = 0; n < 100; n++) {
        batch = await listSlices(client, account, contacts(), q, signal());
        const ordered = [...batch.records].sort(
          (a, b) => a.updatedAt - b.updatedAt || Number(a.id) - Number(b.id),
        );
        expect(batch.records).toEqual(ordered);
        seen.push(...batch.records.map((r) => r.id));
        if (!batch.hasMore) break;
        const last = batch.records[batch.records.length - 1];
        q = { ...q, resume: batch.resume, ...(last && { after: last }) };
      }
      expect(batch!.hasMore).toBe(false);
      expect(new Set(seen).size).toBe(seen.length);
      expect([...seen].sort()).toEqual(CONTACTS.map((c) => String(c.id)).sort());
      return reads;
    };
    /** 3 pages a day (84 > 60, three days 252 > 240): the fewest searches, 42. */
    const minimum = days * 3;

    it('newest changed first: the first request alone finds where the changes are', async () => {
      order = (found) => [...found].reverse();
      expect(await fullSync()).toBeLessThanOrEqual(minimum + 1);
    });

    it('a batch paused after it learned where to cut answers no contacts, and the next goes on from there', async () => {
      order = (found) => [...found].reverse();
      // The second read (the slice at the window's end) is refused as the pacing would.
      refused = new Set([2]);
      const q = query({ changedSince: undefined, changedUntil: until, limit: 250 });
      const first = await listSlices(client, account, contacts(), q, signal());
      expect(first.records).toEqual([]);
      expect(first.hasMore).toBe(true);
      refused = new Set();
      // Batches go on from the resume (answered empty while the walk from the end goes on).
      let next = first;
      for (let n = 0; n < 10 && next.records.length === 0; n++) {
        next = await listSlices(
          client,
          account,
          contacts(),
          { ...q, resume: next.resume },
          signal(),
        );
      }
      expect(next.records.length).toBeGreaterThan(0);
      // The window was not asked again: its cut travelled in the resume.
      expect(totals.filter((n) => n === CONTACTS.length)).toHaveLength(1);
    });

    it('oldest changed first: the first page says where they begin', async () => {
      expect(await fullSync()).toBeLessThanOrEqual(minimum + 1);
    });

    it('in no order: the sampled update times say where the first slice lies', async () => {
      // A fixed shuffle (Knuth's multiplicative hash of the position), the same every run.
      order = (found) =>
        found
          .map((c, i) => ({ c, k: (i * 2_654_435_761) % 4_294_967_296 }))
          .sort((a, b) => a.k - b.k)
          .map((x) => x.c);
      expect(await fullSync()).toBeLessThanOrEqual(minimum + 1);
    });
  });

  it('a range told empty only by a count read later is read all the same: none lost to a change meanwhile', async () => {
    // At most 100 a slice. One contact on day 0, 75 on days 10 and 11, 60 on day 13; the search
    // answers newest first. Right after the first request a contact is created (on day 13, after
    // the run's upper bound): the last day's count gains it, so the window's total less the
    // counts read later says nothing is left before day 10, where one contact is.
    const at = (day: number, k: number) => new Date(T0 + day * DAY + k * 60_000).toISOString();
    const c = (id: number, day: number, k: number) => ({
      id,
      name: `C${id}`,
      email: `c${id}@x.example`,
      updated_at: at(day, k),
    });
    CONTACTS = [
      c(1, 0, 0),
      ...Array.from({ length: 75 }, (_, k) => c(100 + k, 10, k)),
      ...Array.from({ length: 75 }, (_, k) => c(200 + k, 11, k)),
      ...Array.from({ length: 60 }, (_, k) => c(300 + k, 13, k)),
    ];
    const run = CONTACTS.map((x) => String(x.id)).sort();
    let asked = 0;
    order = (found) => {
      if (asked++ === 0) CONTACTS.push(c(999, 13, 18 * 60));
      return [...found].reverse();
    };
    const narrow = { ...contacts(), incremental: { ...contacts().incremental! } };
    narrow.incremental.slice = { ...narrow.incremental.slice!, maxRecords: 100 };
    const q = query({ changedSince: undefined, changedUntil: T0 + 13 * DAY + DAY / 2 - 1 });
    const seen: string[] = [];
    let batch = await listSlices(client, account, narrow, q, signal());
    seen.push(...batch.records.map((r) => r.id));
    for (let n = 0; batch.hasMore && n < 20; n++) {
      const last = batch.records[batch.records.length - 1];
      batch = await listSlices(
        client,
        account,
        narrow,
        { ...q, resume: batch.resume, ...(last && { after: last }) },
        signal(),
      );
      seen.push(...batch.records.map((r) => r.id));
    }
    expect(batch.hasMore).toBe(false);
    expect(seen.sort()).toEqual(run);
  });

  it('fails other errors as they are', async () => {
    jest.spyOn(client, 'readPage').mockRejectedValue(new UpstreamError('broken'));
    await expect(listSlices(client, account, contacts(), query(), signal())).rejects.toThrow(
      'broken',
    );
  });
});
