import { Injectable, Logger, OnModuleDestroy, OnModuleInit, Optional } from '@nestjs/common';
import { LogEvent, sql } from 'kysely';
import { UpstreamTracer } from '../ports/upstream-tracer';
import { SqlSettings } from './sql-settings';
import { Database, DatabaseOptions, databaseTarget, openDatabase, SqlDialect } from './database';
import { seedDemoIfEmpty } from './demo-seed';
import { migrateToLatest } from './migrations';

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

/** The SQL adapter's connection: migrated (and seeded with the demo, if empty) at start-up. */
@Injectable()
export class SqlDatabase implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(SqlDatabase.name);
  readonly db: Database;
  readonly dialect: SqlDialect;

  constructor(
    private readonly config: SqlSettings,
    @Optional() tracer?: UpstreamTracer,
  ) {
    const dialect = databaseTarget(config.databaseUrl, config.dataDir).dialect;
    this.dialect = dialect;
    this.db = openDatabase(config.databaseUrl, config.dataDir, {
      ...databaseOptions(config),
      // Traced, every statement served is a span (the set-up connection below is not).
      log: tracer
        ? (event: LogEvent) =>
            tracer.statement(
              dialect,
              event.query.sql,
              event.queryDurationMillis,
              event.level === 'error' ? event.error : undefined,
            )
        : undefined,
      onIdleError: (error) =>
        this.logger.warn(
          `A pooled database connection failed and was dropped (${(error as { code?: string }).code ?? error.message})`,
        ),
    });
  }

  async onModuleInit(): Promise<void> {
    // Migrating and seeding may wait for another replica's lock and take longer than a request
    // may: on a server database they run on a connection of their own, without the limits.
    const setup =
      this.dialect === 'sqlite'
        ? this.db
        : openDatabase(this.config.databaseUrl, this.config.dataDir, {
            ...databaseOptions(this.config),
            poolMax: 1,
            statementTimeoutMs: 0,
            lockTimeoutMs: 0,
          });
    try {
      await migrateToLatest(setup);
      if (this.config.seedDemo && (await seedDemoIfEmpty(setup, this.config.defaultPhoneRegion))) {
        this.logger.log('Seeded the demo accounts demo@example.com and other@example.com');
      }
    } finally {
      if (setup !== this.db) await setup.destroy();
    }
    if (this.dialect === 'sqlite') {
      // Start-up may wait for a lock; serving must not: better-sqlite3 waits synchronously, which
      // would stall every request. A busy statement fails fast instead and the upstream guard
      // retries it with backoff, within the request's budget.
      await sql
        .raw(`PRAGMA busy_timeout = ${Math.floor(this.config.sqliteBusyTimeoutMs)}`)
        .execute(this.db);
    }
  }

  async onModuleDestroy(): Promise<void> {
    await this.db.destroy();
  }
}
