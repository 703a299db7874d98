import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { decodeCheckpoint } from '../src/contacts/contact-sync-tokens';
import { syncContacts, tokensOf } from './support/talkdesk';
import { startTestApp, TestApp } from './support/test-app';
import { FakeHttpServer, json } from './support/upstreams/fake-http';

/**
 * `contacts.incremental.max_results` (window restart) and `contacts.full_sync` over a small
 * search API that, like HubSpot's, sorts by update time only and refuses to page one query past
 * 40 results, beside a list endpoint in id order without a cap.
 */

const KEY = 'window-key-123456';
const CAP = 40;
const T0 = Date.UTC(2025, 5, 1, 8);

interface Row {
  id: number;
  updated: number;
}

describe('REST connector: window restart and a separate full-sync listing', () => {
  let rows: Row[] = [];
  const server = new FakeHttpServer((req, res) => {
    if (req.headers['x-key'] !== KEY) return json(res, 401, {});
    if (req.method === 'POST' && req.path === '/search') {
      const since = Number(req.body?.since ?? 0);
      const until = Number(req.body?.until ?? Infinity);
      const after = Number(req.body?.after ?? 0);
      const limit = Number(req.body?.limit ?? 10);
      if (after + limit > CAP) return json(res, 400, { message: `at most ${CAP} results` });
      // Sorted by update time only: ties come newest id first, so only reading them whole
      // puts them in id order.
      const matching = rows
        .filter((r) => r.updated >= since && r.updated <= until)
        .sort((a, b) => a.updated - b.updated || b.id - a.id);
      const page = matching.slice(after, after + limit);
      return json(res, 200, {
        results: page,
        ...(after + limit < matching.length && { next: String(after + limit) }),
      });
    }
    if (req.method === 'GET' && req.path === '/people') {
      const after = Number(req.url.searchParams.get('after') ?? 0);
      const limit = Number(req.url.searchParams.get('limit') ?? 10);
      const rest = [...rows].sort((a, b) => a.id - b.id).filter((r) => r.id > after);
      const page = rest.slice(0, limit);
      return json(res, 200, {
        results: page,
        ...(rest.length > limit && { next: String(page[page.length - 1].id) }),
      });
    }
    return json(res, 404, {});
  });
  const dir = mkdtempSync(join(tmpdir(), 'window-'));
  const search = {
    request: {
      method: 'POST',
      path: '/search',
      idempotent: true,
      body: { since: '{{ since | default("0") }}', until: '{{ until }}' },
    },
    record_selector: 'results',
    paginator: {
      type: 'cursor',
      cursor_path: 'next',
      cursor_param: 'after',
      param_in: 'body',
      page_size: 10,
      page_size_param: 'limit',
    },
    incremental: { format: 'epoch_ms', max_results: CAP },
    fields: { id: 'id', name: { template: 'Person {{ record.id }}' }, updated_at: 'updated' },
  };
  const fullSync = {
    request: { path: '/people' },
    record_selector: 'results',
    paginator: {
      type: 'cursor',
      cursor_path: 'next',
      cursor_param: 'after',
      page_size: 10,
      page_size_param: 'limit',
    },
  };
  const apps: TestApp[] = [];
  const auth = { key: KEY };

  async function appFor(contacts: Record<string, unknown>, contactsPageSize = 15) {
    const file = join(dir, `${apps.length}.yaml`);
    writeFileSync(
      file,
      stringify({
        version: 1,
        name: 'window',
        talkdesk: { authentication_fields: [{ field_name: 'key', display: 'Key' }] },
        connection: { base_url: 'https://api.example.com' },
        authentication: { type: 'api_key', in: 'header', name: 'x-key', value: '{{ auth.key }}' },
        contacts,
      }),
    );
    const app = await startTestApp({
      connector: 'rest',
      connectorManifest: file,
      connectorBaseUrl: server.origin,
      incrementalLookbackSeconds: 0,
      contactsPageSize,
    });
    apps.push(app);
    return app;
  }

  const inOrder = (list: Row[]) =>
    [...list].sort((a, b) => a.updated - b.updated || a.id - b.id).map((r) => String(r.id));
  const searches = () => server.requests.filter((r) => r.path === '/search');

  beforeAll(() => server.start());
  afterAll(async () => {
    for (const app of apps) await app.close();
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('a query capped at 40 results reads 130 contacts (ties of 4 across the cap) each once, in order, by restarting from the last one handed out', async () => {
    // Ids out of update order; every four share one millisecond.
    rows = Array.from({ length: 130 }, (_, i) => ({
      id: 1000 + ((i * 37) % 130),
      updated: T0 + Math.floor(i / 4),
    }));
    const t = await appFor(search);
    const before = searches().length;

    const run = await syncContacts(t, auth);

    expect(run.contacts.map((c) => c.id)).toEqual(inOrder(rows));
    const asked = searches().slice(before);
    expect(asked.every((r) => Number(r.body.after ?? 0) + Number(r.body.limit) <= CAP)).toBe(true);
    // Restarts: queries from a later lower bound, each from its first page.
    const restarts = asked.filter((r) => r.body.after === undefined && Number(r.body.since) > 0);
    expect(restarts.length).toBeGreaterThanOrEqual(3);
    const checkpoint = decodeCheckpoint(await tokensOf(t, auth), run.checkpoint);
    expect(checkpoint).toMatchObject({ updatedAt: T0 + 32, id: String(inOrder(rows).pop()) });
  });

  it('more contacts sharing one update time than the cap: 502 upstream_window_exhausted, after the contacts before them, and no checkpoint past them', async () => {
    rows = [
      ...Array.from({ length: 12 }, (_, i) => ({ id: 1 + i, updated: T0 + i })),
      ...Array.from({ length: CAP + 5 }, (_, i) => ({ id: 100 + i, updated: T0 + 50 })),
    ];
    const t = await appFor(search, 5);
    const received: string[] = [];
    let checkpoint: string | undefined;
    let meta: Record<string, unknown> | undefined;
    let failed;
    for (let page = 0; page < 20 && !failed; page++) {
      const res = await t.post('/contacts/sync', { auth, ...(meta && { meta }) });
      if (res.status !== 200) failed = res;
      else {
        received.push(...res.body.contacts.map((c: any) => c.id));
        checkpoint = res.body.synchronization_checkpoint ?? checkpoint;
        meta = { offset: res.body.next_offset, context: res.body.context };
      }
    }

    expect(failed?.status).toBe(502);
    expect(failed?.body.code).toBe('upstream_window_exhausted');
    expect(failed?.body.message).toContain(`read ${CAP} contacts`);
    // The page holding the last two before the ties was not answered: nothing skipped.
    expect(received).toEqual(inOrder(rows.slice(0, 10)));
    expect(decodeCheckpoint(await tokensOf(t, auth), checkpoint)).toMatchObject({
      updatedAt: T0 + 9,
      id: '10',
    });
  });

  it('with full_sync: a full sync reads the list endpoint (no search, no order), its one checkpoint at the end; then incremental syncs search from there', async () => {
    rows = Array.from({ length: 57 }, (_, i) => ({
      id: 1 + i,
      // Update times in no relation to the list's id order.
      updated: T0 - 1000 * ((i * 17) % 57),
    }));
    const t = await appFor({ ...search, full_sync: fullSync });
    const beforeSearch = searches().length;
    const beforeList = server.requests.filter((r) => r.path === '/people').length;
    const started = Date.now();

    const full = await syncContacts(t, auth);

    expect(full.contacts.map((c) => c.id)).toEqual(rows.map((r) => String(r.id)));
    expect(searches().length).toBe(beforeSearch);
    const listed = server.requests.filter((r) => r.path === '/people').length - beforeList;
    // 57 records, 10 a page: 6 pages (Talkdesk pages of 15 cut some upstream pages in two).
    expect(listed).toBeGreaterThanOrEqual(6);
    expect(full.pages.slice(0, -1).every((p) => !p.body.synchronization_checkpoint)).toBe(true);
    const checkpoint = decodeCheckpoint(await tokensOf(t, auth), full.checkpoint)!;
    expect(checkpoint.id).toBe('');
    expect(checkpoint.readTo).toBeGreaterThanOrEqual(started - 1);
    expect(checkpoint.readTo).toBeLessThanOrEqual(Date.now());

    const quiet = await syncContacts(t, auth, full.checkpoint);
    expect(quiet.contacts).toEqual([]);
    rows[5].updated = Date.now();
    rows[40].updated = Date.now();
    const changed = await syncContacts(t, auth, quiet.checkpoint);
    expect(changed.contacts.map((c) => c.id).sort()).toEqual(['41', '6']);
    expect(searches().length).toBeGreaterThan(beforeSearch);
  });
});
