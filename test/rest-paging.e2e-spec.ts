import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { decodeOffsetState, encodeOffsetState } from '../src/contacts/contact-sync-tokens';
import { ResumeState } from '../src/connectors/ports';
import { nextPages, syncAgents, syncContacts, tokensOf } from './support/talkdesk';
import { startTestApp, TestApp } from './support/test-app';
import { FakeHttpServer, json } from './support/upstreams/fake-http';

/**
 * Paging strategies and incremental filters beyond the example manifests: next-page URLs in the
 * body, offsets sent in a POST body with a filter written by a template in a custom date
 * format, and page numbers of an unknown size with a page count.
 */

const KEY = 'paging-key-123456';
const pad = (n: number) => String(n).padStart(2, '0');
/** `2024-03-01 10:00:05`: seconds only, as some APIs write them. */
const written = (ms: number) => {
  const d = new Date(ms);
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
};
const T0 = Date.UTC(2024, 2, 1, 10);

interface Row {
  id: number;
  name: string;
  updated: number;
}

describe('REST connector paging strategies', () => {
  const rows: Row[] = Array.from({ length: 37 }, (_, i) => ({
    id: 100 + ((i * 7) % 37),
    name: `Row ${i}`,
    // Four records share each second.
    updated: T0 + Math.floor(i / 4) * 1000,
  }));
  const users = Array.from({ length: 17 }, (_, i) => ({ uid: `u${i}`, mail: `u${i}@x.test` }));
  const server = new FakeHttpServer((req, res) => {
    if (req.headers['x-key'] !== KEY) return json(res, 401, {});
    const q = req.url.searchParams;
    if (req.method === 'GET' && req.path === '/people') {
      // Next-page URLs in the body; the same person twice on a page.
      const from = Number(q.get('from') ?? 0);
      const page = rows.slice(from, from + 5);
      const next = from + 5 < rows.length ? `/people?from=${from + 5}` : null;
      return json(res, 200, {
        results: [...page, ...(from === 5 ? [page[0]] : [])],
        links: { next },
      });
    }
    if (req.method === 'POST' && req.path === '/search') {
      // Offsets in the body; a filter `updated>YYYY-MM-DD HH:mm:ss` (strictly after), seconds only.
      const filter = /^updated>(.+)$/.exec(String(req.body?.q ?? ''));
      const after = filter ? Date.parse(`${filter[1].replace(' ', 'T')}Z`) : -Infinity;
      const matching = rows
        .filter((r) => r.updated > after)
        .sort((a, b) => a.updated - b.updated || b.id - a.id);
      const offset = Number(req.body?.offset ?? 0);
      const limit = Number(req.body?.limit ?? 10);
      return json(res, 200, {
        hits: matching
          .slice(offset, offset + limit)
          .map((r) => ({ id: r.id, name: r.name, updated: written(r.updated) })),
        total: matching.length,
      });
    }
    if (req.method === 'GET' && req.path === '/users') {
      // Page numbers of a size the manifest does not know, and a page count.
      const page = Number(q.get('p') ?? 1);
      return json(res, 200, {
        users: users.slice((page - 1) * 6, page * 6),
        pages: Math.ceil(users.length / 6),
      });
    }
    return json(res, 404, {});
  });
  const dir = mkdtempSync(join(tmpdir(), 'paging-'));
  const base = {
    version: 1,
    name: 'paging',
    talkdesk: { authentication_fields: [{ field_name: 'key', display: 'Key' }] },
    connection: { base_url: 'https://api.example.com' },
    authentication: { type: 'api_key', in: 'header', name: 'x-key', value: '{{ auth.key }}' },
  };
  const auth = { key: KEY };
  const apps: TestApp[] = [];

  async function appFor(manifest: Record<string, unknown>, settings: Record<string, unknown> = {}) {
    const file = join(dir, `${apps.length}.yaml`);
    writeFileSync(file, stringify({ ...base, ...manifest }));
    const app = await startTestApp({
      connector: 'rest',
      connectorManifest: file,
      connectorBaseUrl: server.origin,
      incrementalLookbackSeconds: 0,
      ...settings,
    });
    apps.push(app);
    return app;
  }

  beforeAll(() => server.start());
  afterAll(async () => {
    for (const app of apps) await app.close();
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('next-page URLs in the body, full syncs: every record once, the URL carried in next_offset', async () => {
    const t = await appFor(
      {
        contacts: {
          request: { path: '/people' },
          record_selector: 'results',
          paginator: { type: 'next_url', next_url_path: 'links.next' },
          fields: { id: 'id', name: 'name' },
        },
      },
      { contactsPageSize: 7 },
    );
    const run = await syncContacts(t, auth);
    expect(run.contacts.map((c) => c.id)).toEqual(rows.map((r) => String(r.id)));
    expect(run.checkpoint).toBeUndefined();
    const tokens = await tokensOf(t, auth);
    const offset = decodeOffsetState(tokens, run.pages[0].body.next_offset);
    // The upstream page's link and the place inside it; the page itself kept for the next batch.
    expect(offset?.resume).toEqual({
      s: { k: 'url', url: `${server.origin}/people?from=5` },
      k: 2,
      d: rows.slice(0, 7).map((r) => String(r.id)),
      c: expect.any(String),
    });
    const reads = () => server.requests.filter((r) => r.path === '/people').length;
    // Every upstream page read once: 37 records in pages of 5 (one listed twice) is 8 pages.
    const before = reads();
    await syncContacts(t, auth);
    expect(reads() - before).toBe(8);

    // An offset as the previous version issued it (no kept page): the page is read again, once.
    const earlier = { ...(offset!.resume as Record<string, ResumeState>) };
    delete earlier.c;
    const old = encodeOffsetState(tokens, { ...offset, resume: earlier });
    const rest = await nextPages(t, auth, {
      ...run.pages[0],
      body: { ...run.pages[0].body, next_offset: old },
    });
    expect(
      [...run.pages[0].body.contacts, ...rest.flatMap((p) => p.body.contacts)].map(
        (c: any) => c.id,
      ),
    ).toEqual(rows.map((r) => String(r.id)));

    // A next-page URL is followed only on the account's host, whatever the (signed) offset says.
    const elsewhere = new FakeHttpServer((_req, res) => json(res, 200, { results: [], links: {} }));
    await elsewhere.start();
    try {
      const forged = encodeOffsetState(tokens, {
        ...offset,
        resume: { ...earlier, s: { k: 'url', url: `${elsewhere.origin}/people?from=5` } },
      });
      const res = await t.post('/contacts/sync', {
        auth,
        meta: { offset: forged, context: run.pages[0].body.context },
      });
      expect(res.status).toBe(400);
      expect(res.body.code).toBe('offset_invalid');
      expect(elsewhere.requests).toHaveLength(0);
    } finally {
      await elsewhere.stop();
    }
  });

  it('offsets in a POST body with a templated filter in a custom format: incremental, nothing lost', async () => {
    const t = await appFor(
      {
        contacts: {
          request: {
            method: 'POST',
            path: '/search',
            idempotent: true,
            body: { q: 'updated>{{ since }}', limit: 6 },
          },
          record_selector: 'hits',
          paginator: {
            type: 'offset',
            param_in: 'body',
            offset_param: 'offset',
            page_size: 6,
            total_records_path: 'total',
          },
          incremental: { format: 'YYYY-MM-DD HH:mm:ss', inclusive: false },
          fields: {
            id: 'id',
            name: 'name',
            updated_at: { path: 'updated', format: 'YYYY-MM-DD HH:mm:ss' },
          },
        },
      },
      { contactsPageSize: 5 },
    );
    const first = await syncContacts(t, auth);
    const expected = [...rows]
      .sort((a, b) => a.updated - b.updated || a.id - b.id)
      .map((r) => String(r.id));
    expect(first.contacts.map((c) => c.id)).toEqual(expected);
    // The first request has no filter value: the placeholder had none, so the key went out empty.
    const searches = server.requests.filter((r) => r.path === '/search');
    expect(searches[0].body).toEqual({ q: 'updated>', limit: 6, offset: 0 });
    // An incremental run asks from one second before the checkpoint (the filter is strict).
    rows[3].updated = T0 + 60_000;
    rows[3].name = 'Changed';
    const again = await syncContacts(t, auth, first.checkpoint);
    expect(again.contacts.map((c) => c.name)).toEqual(['Changed']);
    const last = server.requests.filter((r) => r.path === '/search').pop();
    // The checkpoint is the last contact (T0 + 9 s); the filter is strict: asked from 8 s.
    expect(last?.body.q).toBe(`updated>${written(T0 + 8000)}`);
  });

  it('page numbers of an unknown size: positions found again from the pages handed out', async () => {
    const t = await appFor(
      {
        agents: {
          request: { path: '/users' },
          record_selector: 'users',
          paginator: { type: 'page_number', page_param: 'p', total_pages_path: 'pages' },
          fields: { id: 'uid', email: 'mail' },
        },
      },
      { agentsPageSize: 4 },
    );
    const before = server.requests.length;
    const run = await syncAgents(t, auth);
    expect(run.agents.map((a) => a.id)).toEqual(users.map((u) => u.uid));
    const pagesAsked = server.requests
      .slice(before)
      .map((r) => Number(r.url.searchParams.get('p')));
    // 5 batches of 4 over pages of 6: without the cache of positions every batch would read
    // again from page 1; with it, a page is read again only by the batch that continues it
    // (and page 3 once more, looked at to know whether a batch ending with page 2 is the last).
    expect(pagesAsked).toEqual([1, 1, 2, 2, 3, 3, 3]);
  });
});
