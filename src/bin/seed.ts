import 'reflect-metadata';
import { parseArgs } from 'node:util';
import { Presets, SingleBar } from 'cli-progress';
import { sql } from 'kysely';
import { loadConfig } from '../config/app-config';
import { openDatabase, sqlDialect } from '../connectors/sql/database';
import { seededRandom } from '../common/seeded-random';
import { demoContact } from '../connectors/sql/demo-data';
import { seedDemoIfEmpty } from '../connectors/sql/demo-seed';
import { migrateToLatest } from '../connectors/sql/migrations';
import { databaseOptions } from '../connectors/sql/demo-database';
import { createAccount, findAccountId, insertContacts } from '../connectors/sql/sql-writer';

const USAGE = `Usage: npm run seed -- --account <email> --contacts <count> [--password <password>] [--batch <size>]

Adds <count> generated contacts to an account of the SQL database (DATABASE_URL: PostgreSQL,
MySQL/MariaDB or SQLite; else the SQLite file in DATA_DIR),
creating the account when --password is given and it does not exist yet. Contacts get
ascending timestamps in the past, three at a time sharing one, as a busy system would.`;

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      account: { type: 'string', default: 'demo@example.com' },
      password: { type: 'string' },
      contacts: { type: 'string' },
      batch: { type: 'string', default: '5000' },
      help: { type: 'boolean', default: false },
    },
  });
  const count = Number(values.contacts);
  const batch = Number(values.batch);
  if (
    values.help ||
    !Number.isSafeInteger(count) ||
    count < 1 ||
    !Number.isSafeInteger(batch) ||
    batch < 1
  ) {
    console.log(USAGE);
    process.exit(values.help ? 0 : 2);
  }
  const config = loadConfig();
  // Bulk writes are not bound by a request's budget: no statement or lock timeout.
  const db = openDatabase(config.databaseUrl, config.dataDir, {
    ...databaseOptions(config),
    poolMax: 1,
    statementTimeoutMs: 0,
    lockTimeoutMs: 0,
  });
  try {
    await migrateToLatest(db);
    if (config.seedDemo) await seedDemoIfEmpty(db, config.defaultPhoneRegion);
    let accountId = await findAccountId(db, values.account);
    if (accountId === null) {
      if (!values.password)
        throw new Error(`No account ${values.account}: pass --password to create it`);
      accountId = await createAccount(db, values.account, values.password, values.account);
    }
    const rng = seededRandom(count);
    const start = Date.now() - Math.ceil(count / 3) - 1000;
    const bar = new SingleBar(
      { format: 'Seeding {bar} {percentage}% | {value}/{total} contacts | {eta_formatted} left' },
      Presets.shades_classic,
    );
    bar.start(count, 0);
    for (let done = 0; done < count; done += batch) {
      const size = Math.min(batch, count - done);
      const contacts = Array.from({ length: size }, (_, k) =>
        demoContact(rng, done + k + 1, start + Math.floor((done + k) / 3)),
      );
      // Bound parameters per statement stay well under every dialect's limit.
      for (let i = 0; i < contacts.length; i += 500) {
        await insertContacts(db, accountId, contacts.slice(i, i + 500), config.defaultPhoneRegion);
      }
      bar.update(done + size);
    }
    bar.stop();
    // Fresh statistics, so that the planner knows the tables' new size at once (rather than at
    // the next automatic analysis) and keeps reading contacts through the sync-order index.
    const dialect = sqlDialect(db);
    if (dialect === 'postgres') await sql`analyze contacts, contact_channels`.execute(db);
    if (dialect === 'mysql') await sql`analyze table contacts, contact_channels`.execute(db);
    console.log(`Added ${count} contacts to ${values.account}`);
  } finally {
    await db.destroy();
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
