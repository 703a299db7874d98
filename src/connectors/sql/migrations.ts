import { Kysely } from 'kysely';
import { Migration, MigrationProvider, Migrator } from 'kysely/migration';

/** Only portable column types and indexes: the same migrations run on SQLite, PostgreSQL and MySQL. */
const migrations: Record<string, Migration> = {
  '0001_initial': {
    // Migrations see the schema as it was when they were written, not today's types.
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    async up(db: Kysely<any>) {
      await db.schema
        .createTable('accounts')
        .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
        .addColumn('username', 'varchar(320)', (c) => c.notNull().unique())
        .addColumn('password_hash', 'varchar(255)', (c) => c.notNull())
        .addColumn('display_name', 'varchar(255)', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .execute();

      await db.schema
        .createTable('contacts')
        .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
        .addColumn('account_id', 'integer', (c) => c.notNull().references('accounts.id'))
        .addColumn('name', 'varchar(255)')
        .addColumn('title', 'varchar(255)')
        .addColumn('company', 'varchar(255)')
        .addColumn('emails', 'text', (c) => c.notNull())
        .addColumn('phones', 'text', (c) => c.notNull())
        .addColumn('websites', 'text', (c) => c.notNull())
        .addColumn('custom_fields', 'text', (c) => c.notNull())
        .addColumn('photo_url', 'varchar(1024)')
        .addColumn('address', 'varchar(1024)')
        .addColumn('twitter', 'varchar(255)')
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex('contacts_sync_order')
        .on('contacts')
        .columns(['account_id', 'updated_at', 'id'])
        .execute();

      await db.schema
        .createTable('contact_channels')
        .addColumn('account_id', 'integer', (c) => c.notNull())
        .addColumn('contact_id', 'integer', (c) => c.notNull().references('contacts.id'))
        .addColumn('kind', 'varchar(16)', (c) => c.notNull())
        .addColumn('value', 'varchar(320)', (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex('contact_channels_lookup')
        .on('contact_channels')
        .columns(['account_id', 'kind', 'value'])
        .execute();
      await db.schema
        .createIndex('contact_channels_contact')
        .on('contact_channels')
        .columns(['contact_id'])
        .execute();

      await db.schema
        .createTable('users')
        .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
        .addColumn('account_id', 'integer', (c) => c.notNull().references('accounts.id'))
        .addColumn('name', 'varchar(255)')
        .addColumn('email', 'varchar(320)')
        .execute();
      await db.schema
        .createIndex('users_account')
        .on('users')
        .columns(['account_id', 'id'])
        .execute();

      await db.schema
        .createTable('interactions')
        .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
        .addColumn('account_id', 'integer', (c) => c.notNull().references('accounts.id'))
        .addColumn('contact_id', 'integer', (c) => c.notNull().references('contacts.id'))
        .addColumn('type', 'varchar(32)', (c) => c.notNull())
        .addColumn('subject', 'varchar(255)')
        .addColumn('description', 'text')
        .addColumn('priority', 'varchar(32)')
        .addColumn('status', 'varchar(32)')
        .addColumn('occurred_at', 'bigint', (c) => c.notNull())
        .addColumn('agent_id', 'integer')
        .execute();
      await db.schema
        .createIndex('interactions_contact')
        .on('interactions')
        .columns(['account_id', 'contact_id', 'occurred_at'])
        .execute();
    },
  },
};

class StaticMigrations implements MigrationProvider {
  getMigrations(): Promise<Record<string, Migration>> {
    return Promise.resolve(migrations);
  }
}

/** Brings the schema up to date; throws with the failing migration's error. */
export async function migrateToLatest<T>(db: Kysely<T>): Promise<void> {
  const migrator = new Migrator({ db: db as Kysely<unknown>, provider: new StaticMigrations() });
  const { error, results } = await migrator.migrateToLatest();
  if (error) {
    const failed = results?.find((r) => r.status === 'Error')?.migrationName ?? 'unknown';
    throw new Error(`Migration ${failed} failed: ${String(error)}`, { cause: error });
  }
}
