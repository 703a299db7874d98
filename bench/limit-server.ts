/**
 * The limit of the contact sync benchmark: the least a server can do to answer Talkdesk's contact
 * sync from the same SQLite file. node:http, one prepared keyset statement (rows as objects, the
 * JSON columns parsed), a Talkdesk-shaped page (the columns under Talkdesk's field names, nothing
 * normalized: no E.164, no trimming, no duplicates removed) and JSON.stringify. No framework, no
 * validation, no credentials, plain-text offsets. What the bridge costs above this is the price of
 * everything it does for Talkdesk. Started by bench/run.ts; settings come from the environment.
 */
import { createServer } from 'node:http';
import { env, keysetReader } from './lib/keyset-reader';

interface Row {
  id: number;
  name: string | null;
  title: string | null;
  company: string | null;
  emails: string;
  phones: string;
  websites: string;
  custom_fields: string;
  photo_url: string | null;
  address: string | null;
  twitter: string | null;
  updated_at: number;
}

function main(): void {
  const pageSize = Number(env('CONTACTS_PAGE_SIZE', '500'));
  const recordUrlBase = env('RECORD_URL_BASE', 'https://crm.example.com');
  const readPage = keysetReader(pageSize);

  const page = (meta: { offset?: unknown; context?: unknown }) => {
    const { rows: read, until } = readPage(meta);
    const rows = read as Row[];
    const hasMore = rows.length > pageSize;
    const count = Math.min(rows.length, pageSize);
    const contacts = new Array<unknown>(count);
    for (let i = 0; i < count; i++) {
      const row = rows[i];
      contacts[i] = {
        id: String(row.id),
        name: row.name,
        title: row.title,
        emails: JSON.parse(row.emails) as unknown,
        phones: JSON.parse(row.phones) as unknown,
        photo_url: row.photo_url,
        company: row.company,
        address: row.address,
        websites: JSON.parse(row.websites) as unknown,
        twitter: row.twitter,
        url: `${recordUrlBase}/contacts/${row.id}`,
        custom_fields: JSON.parse(row.custom_fields) as unknown,
      };
    }
    const last = count > 0 ? rows[count - 1] : undefined;
    const position = last ? `${last.updated_at}:${last.id}` : undefined;
    return JSON.stringify({
      contacts,
      context: hasMore ? String(until) : null,
      ...(hasMore && position && { next_offset: position }),
      ...(position && { synchronization_checkpoint: position }),
    });
  };

  const server = createServer((req, res) => {
    if (req.method === 'GET' && req.url === '/health/live') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"status":"ok"}');
      return;
    }
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as {
        meta?: { offset?: unknown; context?: unknown };
      };
      res.writeHead(200, { 'content-type': 'application/json; charset=utf-8' });
      res.end(page(body.meta ?? {}));
    });
  });
  server.keepAliveTimeout = 60_000;
  server.listen(Number(env('PORT')), '127.0.0.1');
  const stop = () => server.close(() => process.exit(0));
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

main();
