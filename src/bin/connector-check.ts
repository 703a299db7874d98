import 'reflect-metadata';
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { DEFAULT_PHONE_REGION } from '../talkdesk/contract/phone';
import { CheckOptions, runConnectorCheck } from '../tools/connector-check/connector-check';

const USAGE = `Usage: npm run connector:check -- <manifest> [options]

Validates a connector manifest (YAML or JSON). Given credentials, runs each capability against
the live external system and prints every request (secrets masked), the answer's status, the
records extracted and the records as Talkdesk will receive them, page by page. After the full
contact sync, runs the incremental sync Talkdesk runs next, from the full sync's checkpoint
(with INCREMENTAL_LOOKBACK_SECONDS, as the bridge does).

An SQL manifest is checked against the database of DATABASE_URL (or DATABASE_URL_FILE), read
only: the plan of the contacts' keyset query (EXPLAIN), with the index to create when the
database would scan or sort, and given --auth the credentials and the first contacts.

Options:
  --auth '<json>'        the auth fields, as Talkdesk would send them
  --base-url <url>       replaces connection.base_url (e.g. a sandbox)
  --max-pages <n>        upstream pages read per capability (default 3)
  --show <n>             records printed per page (default 2)
  --only <list>          capabilities to run: contacts,agents,interactions
  --contact-id <id>      the contact whose interactions are read (default: the first contact)
  --email <email>        ... or found by email
  --phone <phone>        ... or found by phone
  --action <name>        also runs this action, for real (it writes to the external system)
  --data '<json>'        the action's data
  --meta '<json>'        the action's meta ({"contact_external_id": "...", "agent_external_id": "..."})
  --timeout-ms <ms>      time allowed per capability (default 30000)`;

/** An SQL manifest's database: DATABASE_URL, or the file DATABASE_URL_FILE names. */
function databaseUrl(): string | undefined {
  const file = process.env.DATABASE_URL_FILE;
  if (file) return readFileSync(file, 'utf8').trim();
  return process.env.DATABASE_URL || undefined;
}

function json<T>(text: string | undefined, name: string): T | undefined {
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text) as T;
  } catch {
    throw new Error(`${name} is not JSON`);
  }
}

async function main(): Promise<number> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      auth: { type: 'string' },
      'base-url': { type: 'string' },
      'max-pages': { type: 'string', default: '3' },
      show: { type: 'string', default: '2' },
      only: { type: 'string' },
      'contact-id': { type: 'string' },
      email: { type: 'string' },
      phone: { type: 'string' },
      action: { type: 'string' },
      data: { type: 'string' },
      meta: { type: 'string' },
      'timeout-ms': { type: 'string', default: '30000' },
      help: { type: 'boolean', default: false },
    },
  });
  const maxPages = Number(values['max-pages']);
  const show = Number(values.show);
  const timeoutMs = Number(values['timeout-ms']);
  if (
    values.help ||
    positionals.length !== 1 ||
    ![maxPages, show, timeoutMs].every((n) => Number.isSafeInteger(n) && n >= 0) ||
    maxPages < 1
  ) {
    console.log(USAGE);
    return values.help ? 0 : 2;
  }
  const options: CheckOptions = {
    manifest: positionals[0],
    auth: json(values.auth, '--auth'),
    ...(values['base-url'] && { baseUrl: values['base-url'] }),
    maxPages,
    show,
    ...(values.only && { only: values.only.split(',').map((s) => s.trim()) }),
    ...(values['contact-id'] && { contactId: values['contact-id'] }),
    ...(values.email && { email: values.email }),
    ...(values.phone && { phone: values.phone }),
    ...(values.action && { action: values.action }),
    data: json(values.data, '--data'),
    meta: json(values.meta, '--meta'),
    defaultPhoneRegion: process.env.DEFAULT_PHONE_REGION ?? DEFAULT_PHONE_REGION,
    ...(process.env.RECORD_URL_BASE && {
      recordUrlBase: process.env.RECORD_URL_BASE.replace(/\/+$/, ''),
    }),
    ...(process.env.INCREMENTAL_LOOKBACK_SECONDS && {
      lookbackSeconds: Number(process.env.INCREMENTAL_LOOKBACK_SECONDS),
    }),
    timeoutMs,
    ...(databaseUrl() && { databaseUrl: databaseUrl() }),
  };
  return runConnectorCheck(options, (line) => console.log(line));
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  },
);
