import { Injectable, Logger, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
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
  }

  async onModuleDestroy(): Promise<void> {
    await this.db.destroy();
  }
}
