import { join, resolve } from 'node:path';
import { Logger } from '@nestjs/common';
import type { Kysely } from 'kysely';
import type { Database, DatabaseOptions } from './database';
import { SQLITE_FILE_NAME } from './database';
import { seedDemoIfEmpty } from './demo-seed';
import { migrateToLatest } from './migrations';
import type { SqlSettings } from './sql-settings';

/**
 * The demo: the bundled demo database, served through an SQL manifest like any other database
 * (connectors/sql/bridge-demo.yaml, beside the other examples; three levels up from here in
 * src/ and in dist/ alike).
 */
export const DEMO_MANIFEST = resolve(__dirname, '../../../connectors/sql/bridge-demo.yaml');

/** The pool and statement limits the settings ask for (server databases only). */
export function databaseOptions(config: SqlSettings): DatabaseOptions {
  return {
    poolMax: config.databasePoolMax,
    poolIdleMs: config.databasePoolIdleMs,
    connectTimeoutMs: config.databaseConnectTimeoutMs,
    // A statement cannot be of use after the request that needed it has been answered.
    statementTimeoutMs: config.databaseQueryTimeoutMs ?? config.requestBudgetMs,
    lockTimeoutMs: config.databaseLockTimeoutMs,
  };
}

/** DATABASE_URL of the demo database: the one given (DATABASE_URL_FILE wins), else the SQLite file in DATA_DIR. */
export function demoDatabaseUrl(settings: Pick<SqlSettings, 'databaseUrl' | 'dataDir'>): string {
  return settings.databaseUrl || `sqlite:${resolve(join(settings.dataDir, SQLITE_FILE_NAME))}`;
}

/**
 * The demo database made ready to serve: its tables created or migrated, and seeded with the
 * demo accounts when it holds none (SEED_DEMO). Replicas starting at once are safe (see
 * migrateToLatest and seedDemoIfEmpty).
 */
export function setUpDemoDatabase(settings: Pick<SqlSettings, 'seedDemo' | 'defaultPhoneRegion'>) {
  const logger = new Logger('DemoDatabase');
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  return async (database: Kysely<any>): Promise<void> => {
    const db = database as Database;
    await migrateToLatest(db);
    if (settings.seedDemo && (await seedDemoIfEmpty(db, settings.defaultPhoneRegion))) {
      logger.log('Seeded the demo accounts demo@example.com and other@example.com');
    }
  };
}
