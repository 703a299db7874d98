import { TimeBudget } from '../../src/common/time-budget';
import { AccountResolver } from '../../src/talkdesk/account-resolver.service';
import { TokenScope, TokenSigner } from '../../src/talkdesk/token-codec';
import { Reply, TestApp } from './test-app';

/** The scope the app signs the tokens of the account `auth` names with (to read or forge them). */
export async function tokensOf(t: TestApp, auth: Record<string, unknown>): Promise<TokenScope> {
  const { account } = await t.app.get(AccountResolver).resolve(auth, new TimeBudget(5000));
  return t.app.get(TokenSigner).forAccount(account.key);
}

/** Every response with a body is JSON. */
export function expectJson(res: Reply): void {
  expect(String(res.headers['content-type'])).toMatch(/^application\/json\b/);
}

/** A Talkdesk error: JSON `{ message, request_id }` with the given status. */
export function expectError(res: Reply, status: number): void {
  expect(res.status).toBe(status);
  expectJson(res);
  expect(typeof res.body.message).toBe('string');
  expect(res.body.message.length).toBeGreaterThan(0);
  expect(typeof res.body.request_id).toBe('string');
}

export interface ContactSyncRun {
  pages: Reply[];
  contacts: any[];
  /** The checkpoint of the last page. */
  checkpoint: string | undefined;
}

/**
 * One synchronization run as Talkdesk performs it: the first page, then every next page with
 * next_offset as meta.offset and the page's context, until a page has no next_offset.
 * `checkpoint` is the stored checkpoint Talkdesk sends on every page of the run.
 */
export async function syncContacts(
  t: TestApp,
  auth: Record<string, unknown>,
  checkpoint?: string,
  { maxPages = 100, retryUnavailable = 0 } = {},
): Promise<ContactSyncRun> {
  const pages: Reply[] = [];
  let meta: Record<string, unknown> | undefined = checkpoint
    ? { synchronization_checkpoint: checkpoint }
    : undefined;
  let retries = 0;
  for (;;) {
    const res = await t.post('/contacts/sync', { auth, ...(meta && { meta }) });
    // As Talkdesk does when `retryUnavailable` allows: a 503 is asked again after its Retry-After.
    const retryAfter = Number(res.headers['retry-after']);
    if (res.status === 503 && retryAfter > 0 && retries < retryUnavailable) {
      retries++;
      await new Promise((r) => setTimeout(r, retryAfter * 1000));
      continue;
    }
    if (res.status !== 200) {
      throw new Error(`page ${pages.length + 1} answered ${res.status}: ${res.payload}`);
    }
    pages.push(res);
    if (!res.body.next_offset) break;
    if (pages.length >= maxPages) throw new Error(`no end after ${maxPages} pages`);
    meta = {
      synchronization_checkpoint: checkpoint ?? null,
      offset: res.body.next_offset,
      context: res.body.context,
    };
  }
  return {
    pages,
    contacts: pages.flatMap((p) => p.body.contacts as any[]),
    checkpoint: pages[pages.length - 1].body.synchronization_checkpoint,
  };
}

/**
 * The rest of a contact synchronization run after its `first` page: every next page, asked with
 * the previous page's next_offset and context, each expected to answer 200.
 */
export async function nextPages(
  t: TestApp,
  auth: Record<string, unknown>,
  first: Reply,
): Promise<Reply[]> {
  const pages: Reply[] = [];
  let body = first.body;
  while (body.next_offset) {
    const res = await t.post('/contacts/sync', {
      auth,
      meta: { offset: body.next_offset, context: body.context },
    });
    expect(res.status).toBe(200);
    pages.push(res);
    body = res.body;
  }
  return pages;
}

/** One agent synchronization run, following the integer next_offset. */
export async function syncAgents(
  t: TestApp,
  auth: Record<string, unknown>,
  { maxPages = 100 } = {},
): Promise<{ pages: Reply[]; agents: any[] }> {
  const pages: Reply[] = [];
  let offset: number | undefined;
  for (;;) {
    const res = await t.post('/agents/sync', {
      auth,
      ...(offset !== undefined && { meta: { offset } }),
    });
    if (res.status !== 200) {
      throw new Error(`page ${pages.length + 1} answered ${res.status}: ${res.payload}`);
    }
    pages.push(res);
    if (res.body.next_offset === undefined) break;
    if (pages.length >= maxPages) throw new Error(`no end after ${maxPages} pages`);
    offset = res.body.next_offset;
  }
  return { pages, agents: pages.flatMap((p) => p.body.agents as any[]) };
}
