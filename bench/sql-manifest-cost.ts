import 'reflect-metadata';
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Test, TestingModule } from '@nestjs/testing';
import { seededRandom } from '../src/common/seeded-random';
import { loadConfig } from '../src/config/app-config';
import { ConfigModule } from '../src/config/config.module';
import { ConnectorsModule } from '../src/connectors/connectors.module';
import { AccountRef, ContactsPort, CredentialsPort } from '../src/connectors/ports';
import { openDatabase } from '../src/connectors/sql/database';
import { demoContact } from '../src/connectors/sql/demo-data';
import { findAccountId, insertContacts } from '../src/connectors/sql/sql-writer';
import { toTalkdeskContact } from '../src/contacts/contact-normalizer';

/**
 * What reading contacts costs through an SQL manifest: the demo (connectors/sql/bridge-demo.yaml
 * over the bundled SQLite demo database, what `npm start` serves), one account read page after
 * page in keyset order and turned into the contacts Talkdesk receives (toTalkdeskContact), in this
 * one process. The figure is CPU time (user + system) per contact, the median of the rounds.
 *
 *   node -r ./scripts/register-ts.js bench/sql-manifest-cost.ts --contacts 100000 --rounds 7 --page-size 500 [--adapter-only]
 */

const { values } = parseArgs({
  options: {
    contacts: { type: 'string', default: '100000' },
    rounds: { type: 'string', default: '7' },
    'page-size': { type: 'string', default: '500' },
    /** Only the adapters' listContacts, without turning records into Talkdesk's contacts. */
    'adapter-only': { type: 'boolean', default: false },
  },
});
const adapterOnly = values['adapter-only'];
const extra = Number(values.contacts);
const rounds = Number(values.rounds);
const pageSize = Number(values['page-size']);

const silent = { log() {}, error() {}, warn() {} };

async function start(overrides: Parameters<typeof loadConfig>[1]): Promise<TestingModule> {
  const config = loadConfig({}, { logLevel: 'silent', ...overrides });
  const moduleRef = await Test.createTestingModule({
    imports: [ConfigModule.forRoot(config), ConnectorsModule.forRoot(config)],
  })
    .setLogger(silent)
    .compile();
  await moduleRef.init();
  return moduleRef;
}

interface Side {
  label: string;
  contacts: ContactsPort;
  account: AccountRef;
}

async function side(label: string, moduleRef: TestingModule): Promise<Side> {
  const result = await moduleRef
    .get(CredentialsPort)
    .authenticate(
      { username: 'demo@example.com', password: 'demo' },
      { signal: AbortSignal.timeout(10_000) },
    );
  if (!result) throw new Error(`${label}: the demo credentials were refused`);
  return { label, contacts: moduleRef.get(ContactsPort), account: result.account };
}

/** One full read of the account; answers the contacts read and the CPU time it took (µs). */
async function fullRead(s: Side): Promise<{ contacts: number; cpuUs: number }> {
  const before = process.cpuUsage();
  let count = 0;
  let after: { updatedAt: number; id: string } | undefined;
  const changedUntil = Date.now();
  for (;;) {
    const batch = await s.contacts.listContacts(
      s.account,
      { changedUntil, limit: pageSize, ...(after && { after }) },
      { signal: AbortSignal.timeout(60_000) },
    );
    for (const record of batch.records) if (adapterOnly || toTalkdeskContact(record, 'US')) count++;
    if (!batch.hasMore) break;
    const last = batch.records[batch.records.length - 1];
    after = { updatedAt: last.updatedAt, id: last.id };
  }
  const used = process.cpuUsage(before);
  return { contacts: count, cpuUs: used.user + used.system };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function main(): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'bench-sql-manifest-'));
  try {
    const demo = await start({ dataDir });
    const db = openDatabase(undefined, dataDir);
    const accountId = await findAccountId(db, 'demo@example.com');
    const rng = seededRandom(7);
    const base = Date.UTC(2025, 0, 1);
    for (let i = 0; i < extra; i += 500) {
      const n = Math.min(500, extra - i);
      const batch = Array.from({ length: n }, (_, k) =>
        demoContact(rng, 10_000 + i + k, base + Math.floor((i + k) / 3) * 1000),
      );
      await insertContacts(db, accountId!, batch, 'US');
    }
    await db.destroy();
    const s = await side('SQL manifest (bridge-demo.yaml)', demo);
    // One warm-up read: statements prepared, code optimized.
    await fullRead(s);
    const perContact: number[] = [];
    let contacts = 0;
    for (let r = 0; r < rounds; r++) {
      const { contacts: n, cpuUs } = await fullRead(s);
      contacts = n;
      perContact.push(cpuUs / n);
    }
    console.log(
      `${contacts} contacts, pages of ${pageSize}, ${rounds} rounds, Node ${process.version}, load average ${loadavg()[0].toFixed(2)}`,
    );
    console.log(
      `${s.label.padEnd(34)} ${median(perContact).toFixed(2)} µs CPU per contact (rounds ${Math.min(...perContact).toFixed(2)} to ${Math.max(...perContact).toFixed(2)})`,
    );
    await demo.close();
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
