/**
 * The upstream of the REST connector benchmark: a help desk API as `connectors/helpdesk.yaml`
 * describes it (`GET /{subdomain}/api/v2/contacts/export`, `start_time` in epoch seconds,
 * opaque cursors, `end_of_stream`; `GET /users/me` for the credential check; HTTP Basic with
 * `email/token:api_token`), serving UPSTREAM_CONTACTS generated contacts shaped like the test
 * suite's fake help desk. Made cheap on purpose (contacts kept sorted and serialized once, pages
 * found by binary search), so the benchmark measures the bridge rather than the upstream. Its own
 * process, started by bench/run.ts; settings come from the environment.
 */
import { createServer, ServerResponse } from 'node:http';

export const HELPDESK_AUTH = {
  subdomain: 'acme',
  email: 'agent@acme.test',
  api_token: 'bench-api-token',
};

interface Contact {
  id: number;
  updatedMs: number;
  json: string;
}

const BASE = Date.UTC(2024, 0, 1);

/** The largest export page it serves (`per_page`), as the help desk APIs it stands for allow. */
export const UPSTREAM_MAX_PAGE = 1000;

/** Three contacts share each instant, like the test suite's fake help desk. */
function contacts(count: number): Contact[] {
  const all: Contact[] = [];
  for (let i = 0; i < count; i++) {
    const id = 1000 + i;
    const updatedMs = BASE + Math.floor(i / 3) * 61_500;
    const record = {
      id,
      name: `Ada Person ${i}`,
      email: i % 11 === 5 ? null : `person${i}@acme.example`,
      secondary_emails: i % 7 === 0 ? [`p${i}.alt@acme.example`] : [],
      phone: i % 13 === 6 ? null : `+1 415 555 ${String(1000 + (i % 9000)).padStart(4, '0')}`,
      organization: i % 3 === 0 ? { name: 'acme Corp' } : null,
      job_title: i % 4 === 0 ? 'Buyer' : null,
      twitter: null,
      user_fields: { tier: i % 5 === 0 ? 'Gold' : null },
      updated_at: new Date(updatedMs).toISOString(),
    };
    all.push({ id, updatedMs, json: JSON.stringify(record) });
  }
  return all;
}

/** First index whose contact comes after (updatedMs, id) in export order. */
function firstAfter(all: Contact[], updatedMs: number, id: number): number {
  let low = 0;
  let high = all.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    const c = all[mid];
    if (c.updatedMs < updatedMs || (c.updatedMs === updatedMs && c.id <= id)) low = mid + 1;
    else high = mid;
  }
  return low;
}

function send(res: ServerResponse, status: number, body: string): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(body);
}

function main(): void {
  const all = contacts(Number(process.env.UPSTREAM_CONTACTS ?? 1000));
  const authorization = `Basic ${Buffer.from(
    `${HELPDESK_AUTH.email}/token:${HELPDESK_AUTH.api_token}`,
  ).toString('base64')}`;
  const prefix = `/${HELPDESK_AUTH.subdomain}/api/v2`;
  let exportRequests = 0;

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://upstream');
    if (url.pathname === '/health') return send(res, 200, '{"status":"ok"}');
    // How many export pages were served so far (the bench's own counter, not the API's).
    if (url.pathname === '/stats') return send(res, 200, JSON.stringify({ exportRequests }));
    if (!url.pathname.startsWith(prefix)) return send(res, 404, '{"error":"NoSuchAccount"}');
    if (req.headers.authorization !== authorization) {
      return send(res, 401, '{"error":{"title":"Couldn’t authenticate you"}}');
    }
    const route = url.pathname.slice(prefix.length);
    if (req.method === 'GET' && route === '/users/me') {
      return send(
        res,
        200,
        JSON.stringify({ user: { id: 1, email: HELPDESK_AUTH.email, account_id: 'acct-acme' } }),
      );
    }
    if (req.method !== 'GET' || route !== '/contacts/export') {
      return send(res, 404, '{"error":"InvalidEndpoint"}');
    }
    exportRequests += 1;
    const q = url.searchParams;
    const size = Math.min(UPSTREAM_MAX_PAGE, Number(q.get('per_page') ?? 100));
    let cursor: { s: number; u: number; i: number } | null = null;
    if (q.get('cursor')) {
      try {
        cursor = JSON.parse(Buffer.from(q.get('cursor')!, 'base64url').toString('utf8'));
      } catch {
        return send(res, 400, '{"error":"invalid cursor"}');
      }
    }
    const start = cursor ? cursor.s : Number(q.get('start_time') ?? 0);
    if (!Number.isFinite(start) || !(size > 0)) return send(res, 400, '{"error":"bad request"}');
    const from = cursor
      ? firstAfter(all, cursor.u, cursor.i)
      : firstAfter(all, start * 1000 - 1, Number.MAX_SAFE_INTEGER);
    const page = all.slice(from, from + size);
    const last = page[page.length - 1];
    const afterCursor = last
      ? JSON.stringify(
          Buffer.from(JSON.stringify({ s: start, u: last.updatedMs, i: last.id })).toString(
            'base64url',
          ),
        )
      : 'null';
    send(
      res,
      200,
      `{"contacts":[${page.map((c) => c.json).join(',')}],"after_cursor":${afterCursor},"end_of_stream":${from + size >= all.length}}`,
    );
  });
  server.keepAliveTimeout = 60_000;
  server.listen(Number(process.env.PORT ?? 0), '127.0.0.1');
  const stop = () => server.close(() => process.exit(0));
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

if (require.main === module) main();
