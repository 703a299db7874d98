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
import { SQLITE_FILE_NAME } from '../src/connectors/sql/database';
import { demoContact } from '../src/connectors/sql/demo-data';
import { SqlDatabase } from '../src/connectors/sql/sql-database';
import { findAccountId, insertContacts } from '../src/connectors/sql/sql-writer';
import { toTalkdeskContact } from '../src/contacts/contact-normalizer';

/**
 * What reading contacts costs through an SQL manifest, against the built-in adapter of the demo
 * tables: the same SQLite database, the same account, read page after page in keyset order and
 * turned into the contacts Talkdesk receives (toTalkdeskContact), in this one process. The figure
 * is CPU time (user + system) per contact, the median of alternating rounds.
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
    const builtIn = await start({ dataDir });
    const db = builtIn.get(SqlDatabase).db;
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
    const mapped = await start({
      dataDir,
      connectorManifest: 'connectors/sql/bridge-demo.yaml',
      databaseUrl: `sqlite:${join(dataDir, SQLITE_FILE_NAME)}`,
    });
    const sides = [
      await side('built-in demo adapter', builtIn),
      await side('SQL manifest (bridge-demo.yaml)', mapped),
    ];
    // One warm-up read each: statements prepared, code optimized.
    for (const s of sides) await fullRead(s);
    const perContact: number[][] = sides.map(() => []);
    let contacts = 0;
    for (let r = 0; r < rounds; r++) {
      const order = r % 2 === 0 ? [0, 1] : [1, 0];
      for (const i of order) {
        const { contacts: n, cpuUs } = await fullRead(sides[i]);
        contacts = n;
        perContact[i].push(cpuUs / n);
      }
    }
    console.log(
      `${contacts} contacts, pages of ${pageSize}, ${rounds} rounds, Node ${process.version}, load average ${loadavg()[0].toFixed(2)}`,
    );
    for (const [i, s] of sides.entries()) {
      const xs = perContact[i];
      console.log(
        `${s.label.padEnd(34)} ${median(xs).toFixed(2)} µs CPU per contact (rounds ${Math.min(...xs).toFixed(2)} to ${Math.max(...xs).toFixed(2)})`,
      );
    }
    console.log(
      `ratio manifest / built-in: ${(median(perContact[1]) / median(perContact[0])).toFixed(3)}`,
    );
    await mapped.close();
    await builtIn.close();
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
