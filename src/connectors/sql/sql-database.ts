import { Injectable, Logger, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { sql } from 'kysely';
import { AppConfig } from '../../config/app-config';
import { Database, openDatabase } from './database';
import { seedDemoIfEmpty } from './demo-seed';
import { migrateToLatest } from './migrations';

/** The SQL adapter's connection: migrated (and seeded with the demo, if empty) at start-up. */
@Injectable()
export class SqlDatabase implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(SqlDatabase.name);
  readonly db: Database;

  constructor(private readonly config: AppConfig) {
    this.db = openDatabase(config.databaseUrl, config.dataDir);
  }

  async onModuleInit(): Promise<void> {
    await migrateToLatest(this.db);
    if (this.config.seedDemo && (await seedDemoIfEmpty(this.db, this.config.defaultPhoneRegion))) {
      this.logger.log('Seeded the demo accounts demo@example.com and other@example.com');
    }
    // Start-up may wait for a lock; serving must not: better-sqlite3 waits synchronously, which
    // would stall every request. A busy statement fails fast instead and the upstream guard
    // retries it with backoff, within the request's budget.
    await sql
      .raw(`PRAGMA busy_timeout = ${Math.floor(this.config.sqliteBusyTimeoutMs)}`)
      .execute(this.db);
  }

  async onModuleDestroy(): Promise<void> {
    await this.db.destroy();
  }
}
