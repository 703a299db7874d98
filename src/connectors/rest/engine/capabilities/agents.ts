import { AccountRef, UserBatch, UserRecord } from '../../../ports';
import { InvalidPositionError, UpstreamError } from '../../../ports/errors';
import { CompiledStream } from '../../manifest/compiled';
import { Scope, toUser } from '../mapper';
import { initialState, PageState, stateKey } from '../paginators';
import { RestAccount, restAccount } from '../rest-account';
import { RestClient } from '../rest-client';
import { REPEATED_PAGE } from '../resume';

const MAX_WALK_CACHE_ACCOUNTS = 1000;
const MAX_WALK_CACHE_POSITIONS = 1000;

/**
 * Agent synchronization. Talkdesk's integer offset counts upstream records (those dropped
 * included): offsets and page numbers of a known size point straight at the page; cursors and
 * links are found again from a cache of the pages handed out (the walk cache), or by reading
 * from the first page.
 */
export class AgentsCapability {
  /** Agent positions (index of an upstream record) → the page holding it, per account. */
  private readonly walkCache = new Map<string, Map<number, { state: PageState; first: number }>>();

  constructor(private readonly client: RestClient) {}

  private rememberPosition(account: RestAccount, index: number, state: PageState, first: number) {
    let positions = this.walkCache.get(account.key);
    if (!positions) {
      positions = new Map();
      this.walkCache.set(account.key, positions);
      if (this.walkCache.size > MAX_WALK_CACHE_ACCOUNTS) {
        this.walkCache.delete(this.walkCache.keys().next().value as string);
      }
    }
    positions.set(index, { state, first });
    if (positions.size > MAX_WALK_CACHE_POSITIONS) {
      positions.delete(positions.keys().next().value as number);
    }
  }

  /** The page holding upstream record `position`, and the index of that page's first record. */
  private agentStart(account: RestAccount, position: number): { state: PageState; first: number } {
    const p = this.client.manifest.agents!.paginator;
    if (p.type === 'offset')
      return { state: { k: 'offset', offset: p.startOffset + position }, first: position };
    if (p.type === 'page_number' && p.pageSize) {
      const pages = Math.floor(position / p.pageSize);
      return {
        state: { k: 'page', page: p.startPage + pages, read: pages * p.pageSize },
        first: pages * p.pageSize,
      };
    }
    const cached = this.walkCache.get(account.key)?.get(position);
    return cached ?? { state: initialState(p), first: 0 };
  }

  /** Users from upstream record `position`. */
  async listUsers(
    account: AccountRef,
    position: number | null,
    limit: number,
    signal: AbortSignal,
  ): Promise<UserBatch> {
    const agents = this.client.manifest.agents;
    if (!agents) throw new UpstreamError('This connector’s manifest has no agents section');
    const acc = restAccount(account);
    const start = position ?? 0;
    if (!Number.isSafeInteger(start) || start < 0)
      throw new InvalidPositionError('offset must be a position this bridge issued');
    let { state, first } = this.agentStart(acc, start);
    const seen = new Set([stateKey(state)]);
    const records: UserRecord[] = [];
    const ids = new Set<string>();
    const scope: Scope = { auth: acc.auth, limit };
    const pageSize =
      agents.paginator.type === 'page_number' ? agents.paginator.pageSize : undefined;
    let slowest = 0;
    for (let pages = 0; ;) {
      const started = performance.now();
      const page = await this.client.readPage(acc, agents, scope, state, signal, 'agents');
      slowest = Math.max(slowest, performance.now() - started);
      pages++;
      if (pageSize !== undefined && page.records.length > pageSize) {
        throw new UpstreamError(
          `The agents list answered ${page.records.length} records on one page, more than agents.paginator.page_size (${pageSize}): set it to the size the external system uses`,
        );
      }
      const skip = Math.max(0, start - first);
      if (skip > 0 && skip >= page.records.length && !page.next) return { records, next: null };
      if (skip < page.records.length) {
        const mapped = await this.client.mapAll('agents', page.records, skip, (r) =>
          toUser(agents.fields, r, { auth: acc.auth }),
        );
        for (const { index, value } of mapped) {
          if (value && !ids.has(String(value.id))) {
            ids.add(String(value.id));
            records.push(value);
          }
          if (records.length >= limit) {
            if (index + 1 < page.records.length) {
              this.rememberPosition(acc, first + index + 1, state, first);
              return { records, next: first + index + 1 };
            }
            const after = first + page.records.length;
            const more = page.next
              ? await this.peek(acc, agents, scope, page.next, after, signal)
              : false;
            return { records, next: more ? after : null };
          }
        }
      }
      if (!page.next) return { records, next: null };
      const key = stateKey(page.next);
      if (seen.has(key)) throw new UpstreamError(REPEATED_PAGE);
      seen.add(key);
      first += page.records.length;
      state = page.next;
      this.rememberPosition(acc, first, state, first);
      const late = !this.client.timeForAnotherPage(signal, slowest);
      if ((pages >= this.client.manifest.maxPagesPerCall || late) && records.length > 0) {
        return { records, next: Math.max(first, start) };
      }
    }
  }

  /** Whether the page at `state` (starting at upstream record `first`) holds any record. */
  private async peek(
    account: RestAccount,
    agents: CompiledStream,
    scope: Scope,
    state: PageState,
    first: number,
    signal: AbortSignal,
  ): Promise<boolean> {
    const page = await this.client.readPage(account, agents, scope, state, signal, 'agents');
    if (page.records.length === 0) return false;
    this.rememberPosition(account, first, state, first);
    return true;
  }
}
