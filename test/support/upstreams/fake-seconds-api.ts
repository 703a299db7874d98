import { ServerResponse } from 'node:http';
import { FakeHttpServer, FakeRequest, json } from './fake-http';

/**
 * An API whose update times have one-second precision (as Salesforce's LastModifiedDate): each
 * record is stamped with the second of its last change, written `2026-01-10T12:00:05Z`. It lists
 * the records changed at or after `since` (same format), oldest first by (modified, id), in pages
 * of `pageSize` behind an opaque keyset cursor, under an API key. `listById` makes it list the
 * same records by id instead (an API that filters by update time but sorts otherwise).
 */

export const SECONDS_API_KEY = 'seconds-key-4c1d9e';

export interface SecondsRecord {
  id: number;
  name: string;
  /** Epoch ms, a whole second. */
  modified: number;
}

const second = (ms: number) => Math.floor(ms / 1000) * 1000;
const written = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

/** The manifest of a connector over this API (no look-back of its own). */
export const SECONDS_MANIFEST = {
  version: 1,
  name: 'seconds',
  talkdesk: { authentication_fields: [{ field_name: 'key', display: 'Key' }] },
  connection: { base_url: 'https://api.example.com' },
  authentication: { type: 'api_key', in: 'header', name: 'x-key', value: '{{ auth.key }}' },
  contacts: {
    request: { path: '/records' },
    record_selector: 'records',
    paginator: { type: 'cursor', cursor_param: 'cursor', cursor_path: 'next' },
    incremental: { param: 'since', format: 'iso_seconds' },
    fields: { id: 'id', name: 'name', updated_at: { path: 'modified', format: 'iso_seconds' } },
  },
};

export class FakeSecondsApi {
  readonly records = new Map<number, SecondsRecord>();
  /** Records per page. */
  pageSize = 5;
  /** Misbehaviour: filters by update time but lists each page's records by id. */
  listById = false;
  readonly server = new FakeHttpServer((req, res) => this.handle(req, res));
  private nextId = 1;

  start(): Promise<FakeHttpServer> {
    return this.server.start();
  }

  stop(): Promise<void> {
    return this.server.stop();
  }

  /** A new record, changed at `at` (now by default), stamped with that second. */
  add(name: string, at = Date.now()): SecondsRecord {
    const record = { id: this.nextId++, name, modified: second(at) };
    this.records.set(record.id, record);
    return record;
  }

  /** A record changes: a new name, stamped with the second of `at` (now by default). */
  change(id: number, name: string, at = Date.now()): void {
    const record = this.records.get(id);
    if (!record) throw new Error(`no record ${id}`);
    record.name = name;
    record.modified = second(at);
  }

  private handle(req: FakeRequest, res: ServerResponse): void {
    if (req.headers['x-key'] !== SECONDS_API_KEY) return json(res, 401, { error: 'bad key' });
    if (req.method !== 'GET' || req.path !== '/records') return json(res, 404, {});
    const q = req.url.searchParams;
    const cursor = q.get('cursor');
    // The cursor is the last record of the page before (keyset): a record that changes moves
    // after it, none is skipped.
    const state = cursor
      ? (JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as {
          since: number;
          u: number;
          i: number;
        })
      : { since: q.get('since') ? Date.parse(q.get('since')!) : -Infinity, u: -Infinity, i: 0 };
    if (Number.isNaN(state.since)) return json(res, 400, { error: 'since is not a date' });
    const order = (a: SecondsRecord, b: SecondsRecord) => a.modified - b.modified || a.id - b.id;
    const matching = [...this.records.values()]
      .filter((r) => r.modified >= state.since)
      .filter((r) => r.modified > state.u || (r.modified === state.u && r.id > state.i))
      .sort(order);
    const page = (this.listById ? [...matching].sort((a, b) => a.id - b.id) : matching).slice(
      0,
      this.pageSize,
    );
    const last = page[page.length - 1];
    const next =
      last && matching.length > page.length
        ? Buffer.from(
            JSON.stringify({ since: state.since, u: last.modified, i: last.id }),
          ).toString('base64url')
        : null;
    return json(res, 200, {
      records: page.map((r) => ({ id: r.id, name: r.name, modified: written(r.modified) })),
      next,
    });
  }
}
