import { ContactBatch, ContactQuery, ContactRecord } from '../../../ports';
import { RetryableUpstreamError, UpstreamError, UpstreamOrderError } from '../../../ports/errors';
import { CompiledManifest } from '../../manifest/compiled';
import { formatDate, granularityMs } from '../../manifest/dates';
import { Scope, toContact, toContactWithKey } from '../mapper';
import { pageKeys } from '../records/page-keys';
import { initialState, isPageState, PageState, stateKey } from '../paginators';
import { RestAccount } from '../rest-account';
import { Page, RestClient } from '../rest-client';
import { checkedResume, positionCompare, positionText, REPEATED_PAGE } from '../resume';
import { pageFits, restartFrom } from './contacts-window';

export type ContactsStream = NonNullable<CompiledManifest['contacts']>;

/** Contacts' paging state carried in next_offset (incremental syncs). */
interface KeysetResume {
  /** The last record handed out: the resume is only valid after it. */
  a: [number, string];
  /** The page holding the next record. */
  s: PageState;
  /** The lower bound the paging started from (the filter every page repeats). */
  q: number | null;
  /** Results of this query before page `s` (with `max_results`: where the cap stands). */
  n?: number;
  /**
   * The id of the pages from `s` on that this batch read and kept (page-carry.ts): the next
   * batch takes them from there rather than reading them again.
   */
  c?: string;
}

function readKeysetResume(query: ContactQuery): KeysetResume | undefined {
  const r = query.resume as Partial<KeysetResume> | undefined;
  if (!r || typeof r !== 'object' || !Array.isArray(r.a) || !isPageState(r.s)) return undefined;
  if (!(r.q === null || typeof r.q === 'number')) return undefined;
  if (r.n !== undefined && !(Number.isSafeInteger(r.n) && r.n >= 0)) return undefined;
  const [u, id] = r.a;
  if (!query.after || query.after.updatedAt !== u || query.after.id !== id) return undefined;
  return r as KeysetResume;
}

/**
 * Contacts in (updatedAt, id) order from an upstream that lists records changed since an
 * instant, oldest first. Pages are read until the first `limit` records are final: a group
 * of records sharing the last update time is read to its end before it is sorted by id.
 */
type Candidate = { record: { id: string; updatedAt: number }; raw: unknown; page: number };

function countBefore(candidates: Map<string, Candidate>, frontier: number): number {
  let n = 0;
  for (const c of candidates.values()) if (c.record.updatedAt < frontier) n++;
  return n;
}

export async function listIncremental(
  client: RestClient,
  account: RestAccount,
  contacts: ContactsStream,
  query: ContactQuery,
  signal: AbortSignal,
): Promise<ContactBatch> {
  const maxPages = client.manifest.maxPagesPerCall;
  const inc = contacts.incremental!;
  const resumed = readKeysetResume(query);
  const lower = Math.max(query.changedSince ?? -Infinity, query.after?.updatedAt ?? -Infinity);
  const since = resumed ? resumed.q : Number.isFinite(lower) ? lower : null;
  const step = granularityMs(inc.format);
  const unit = inc.precisionMs;
  const sinceParam =
    since === null
      ? inc.required
        ? formatDate(0, inc.format)
        : undefined
      : formatDate(inc.inclusive ? since : since - step, inc.format);
  const untilParam = formatDate(query.changedUntil, inc.format);
  const scope: Scope = {
    auth: account.auth,
    limit: query.limit,
    ...(sinceParam !== undefined && { since: sinceParam }),
    until: untilParam,
  };
  const bounds = {
    params: {
      ...(inc.param && sinceParam !== undefined && { [inc.param]: sinceParam }),
      ...(inc.untilParam && { [inc.untilParam]: untilParam }),
    },
    in: inc.paramIn,
  };
  let state: PageState = resumed?.s ?? initialState(contacts.paginator);
  const seen = new Set([stateKey(state)]);
  const pageStates: PageState[] = [];
  // With a cap on one query's results: how many this query has paged through, page by page.
  const cap = inc.maxResults;
  let read = resumed?.n ?? 0;
  const pageOffsets: number[] = [];
  let capReached = false;
  const pagesRead: Page[] = [];
  const carried = resumed?.c;
  const candidates = new Map<string, Candidate>();
  // What a record's fields may read besides the record: one object for every record.
  const recordScope: Scope = { auth: account.auth };
  const full = (raw: unknown) => toContact(contacts.fields, raw, recordScope, true);
  let frontier = -Infinity;
  let previous: { id: string; updatedAt: number } | undefined;
  let ended = false;
  let next: PageState | null;
  let filtered = 0;
  let slowest = 0;
  const anyFinal = () => {
    for (const c of candidates.values()) if (c.record.updatedAt < frontier) return true;
    return false;
  };
  for (let pages = 0; ;) {
    const started = performance.now();
    let page: Page;
    try {
      page = await client.readPage(account, contacts, scope, state, signal, 'contacts', {
        bounds,
        carried,
        ...(anyFinal() && { pacingReserveMs: client.pageReserveMs(slowest) }),
      });
    } catch (error) {
      // Stopped by the pacing or a rate limit (a 429): what is final is answered, and the pages
      // read after it are kept for the next batch, which goes on from this page.
      if (!(error instanceof RetryableUpstreamError) || !anyFinal()) throw error;
      next = state;
      break;
    }
    if (!page.carried) slowest = Math.max(slowest, performance.now() - started);
    pageStates.push(state);
    pageOffsets.push(read);
    read += page.records.length + page.filtered;
    pagesRead.push(page);
    pages++;
    filtered += page.filtered;
    // Only ids and update times for now: the other fields wait until a record is handed out.
    const keys = await pageKeys(
      client,
      contacts.fields,
      page.records,
      recordScope,
      account.credentialsKey,
    );
    if (client.options.observer?.page) {
      await client.mapAll('contacts', page.records, 0, full).catch(() => undefined);
    }
    let beyond = false;
    for (const { index, value } of keys) {
      if (!value) continue;
      // Update times at the manifest's precision: the order the bridge pages and bounds in.
      value.updatedAt = Math.floor(value.updatedAt / unit) * unit;
      if (previous && value.updatedAt < previous.updatedAt) {
        // Reading oldest first is what tells which records are final: not an order to page in.
        throw new UpstreamOrderError(
          `The connector ${client.kind} read the contact at ${positionText(value)} after the one at ${positionText(previous)}: an incremental manifest needs an upstream that lists records oldest first`,
        );
      }
      previous = value;
      frontier = value.updatedAt;
      if (value.updatedAt > query.changedUntil) {
        beyond = true;
        continue;
      }
      if (query.changedSince !== undefined && value.updatedAt < query.changedSince) continue;
      if (query.after && positionCompare(value, query.after) <= 0) continue;
      const known = candidates.get(value.id);
      // The same contact listed twice (changed while paging): its latest version counts.
      if (!known || positionCompare(value, known.record) > 0) {
        candidates.set(value.id, {
          record: value,
          raw: page.records[index],
          page: pageStates.length - 1,
        });
      }
    }
    next = page.next;
    if (!next || beyond) {
      ended = true;
      break;
    }
    // The first `limit` records in order are final when that many precede the frontier.
    if (candidates.size > query.limit && countBefore(candidates, frontier) >= query.limit) break;
    const key = stateKey(next);
    if (seen.has(key)) throw new UpstreamError(REPEATED_PAGE);
    seen.add(key);
    if (cap !== undefined && !pageFits(cap, contacts.paginator.pageSize ?? 0, read)) {
      capReached = true;
      break;
    }
    if (pages >= maxPages) break;
    // Out of time for another page: answer what is final so far (a short page), if anything.
    if (anyFinal() && !client.timeForAnotherPage(signal, slowest)) break;
    state = next;
  }
  const sorted = [...candidates.values()].sort((a, b) => positionCompare(a.record, b.record));
  const final = ended ? sorted : sorted.filter((c) => c.record.updatedAt < frontier);
  const returned = final.slice(0, query.limit);
  const rest = sorted.slice(returned.length);
  const hasMore = rest.length > 0 || !ended;
  if (capReached && returned.length === 0) {
    // Nothing final in this window: a new query from the run's position, if that moves on.
    const from = restartFrom(query, since, cap!, client.kind);
    const a: [number, string] = [query.after!.updatedAt, query.after!.id];
    const restart: KeysetResume = { a, s: initialState(contacts.paginator), q: from, n: 0 };
    return { records: [], hasMore: true, resume: checkedResume(restart), filtered };
  }
  if (hasMore && returned.length === 0) {
    throw new UpstreamError(
      `More than ${maxPages} pages of contacts share one update time: raise limits.max_pages_per_call`,
    );
  }
  // The other fields, for the records handed out only (their keys are known, at the precision).
  const mapped = await client.mapAll<ContactRecord>(
    'contacts',
    returned,
    0,
    (c) =>
      toContactWithKey(contacts.fields, (c as Candidate).record, (c as Candidate).raw, recordScope),
    false,
  );
  const records: ContactRecord[] = [];
  for (const m of mapped) if (m.value) records.push(m.value);
  if (!hasMore) return { records, hasMore: false, filtered };
  if (records.length === 0) {
    throw new UpstreamError('Every contact of this batch failed its field mapping: see the log');
  }
  const last = records[records.length - 1];
  if (capReached) {
    // The query cannot page further: the next batch issues it again from the last record.
    const restart: KeysetResume = {
      a: [last.updatedAt, last.id],
      s: initialState(contacts.paginator),
      q: last.updatedAt,
      n: 0,
    };
    return { records, hasMore, resume: checkedResume(restart), filtered };
  }
  const firstPage = rest.length > 0 ? Math.min(...rest.map((c) => c.page)) : -1;
  const resumeAt = firstPage >= 0 ? pageStates[firstPage] : next;
  if (!resumeAt) return { records, hasMore, filtered };
  // The pages from there on were read already: the next batch takes them as they are.
  const c =
    firstPage >= 0
      ? await client.keepPages(
          account,
          pageStates.slice(firstPage).map((s, i) => ({ state: s, page: pagesRead[firstPage + i] })),
          carried,
        )
      : undefined;
  const resume: KeysetResume = {
    a: [last.updatedAt, last.id],
    s: resumeAt,
    q: since,
    ...(cap !== undefined && { n: firstPage >= 0 ? pageOffsets[firstPage] : read }),
    ...(c && { c }),
  };
  return { records, hasMore, resume: checkedResume(resume), filtered };
}
