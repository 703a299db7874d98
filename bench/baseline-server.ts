/**
 * The baseline of the contact sync benchmark: a minimal raw Fastify server that runs the same
 * keyset query as the SQL connector on the same demo database, maps each row by hand
 * (lib/contact-row.ts) and answers the same JSON, through the same compiled normalization
 * function as the bridge (dist/contacts/contact-normalizer.js). What it
 * leaves out is what the bridge adds: NestJS, DTO validation, credentials, opaque tokens, the
 * time budget and request logs. Started by bench/run.ts; settings come from the environment.
 */
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import Fastify from 'fastify';
import { contactRowToRecord } from './lib/contact-row';
import { env, keysetReader } from './lib/keyset-reader';
import type { Selectable } from 'kysely';
import type { ContactsTable } from '../src/connectors/sql/schema';

type Normalizer = typeof import('../src/contacts/contact-normalizer');

/** A row of `select * from contacts`. */
type Row = Selectable<ContactsTable>;

async function main(): Promise<void> {
  const root = resolve(__dirname, '..');
  const { toTalkdeskContact } = (await import(
    pathToFileURL(resolve(root, 'dist/contacts/contact-normalizer.js')).href
  )) as Normalizer;
  const pageSize = Number(env('CONTACTS_PAGE_SIZE', '500'));
  const region = env('DEFAULT_PHONE_REGION', 'US');
  const recordUrlBase = env('RECORD_URL_BASE', 'https://crm.example.com');
  const readPage = keysetReader(pageSize);

  const app = Fastify({ logger: false });
  app.get('/health/live', async () => ({ status: 'ok' }));
  app.post('/contacts/sync', async (request) => {
    const meta = (request.body as { meta?: { offset?: unknown; context?: unknown } }).meta ?? {};
    const { rows: read, until } = readPage(meta);
    const rows = read as Row[];
    const hasMore = rows.length > pageSize;
    const page = rows.slice(0, pageSize);
    const contacts = [];
    for (const row of page) {
      const contact = toTalkdeskContact(contactRowToRecord(row, recordUrlBase), region);
      if (contact) contacts.push(contact);
    }
    const last = page[page.length - 1];
    const position = last ? `${last.updated_at}:${last.id}` : undefined;
    return {
      contacts,
      context: hasMore ? String(until) : null,
      ...(hasMore && position && { next_offset: position }),
      ...(position && { synchronization_checkpoint: position }),
    };
  });
  await app.listen({ port: Number(env('PORT')), host: '127.0.0.1' });
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
