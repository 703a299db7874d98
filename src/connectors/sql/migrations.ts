import { ColumnDefinitionBuilder, CreateTableBuilder, Kysely, sql } from 'kysely';
import { Migration, MigrationProvider, Migrator } from 'kysely/migration';
import { sqlDialect } from './database';

// Migrations see the schema as it was when they were written, not today's types.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyDb = Kysely<any>;
type Table = CreateTableBuilder<string, string>;

/**
 * The few places where the dialects differ, so that one migration serves SQLite, PostgreSQL and
 * MySQL/MariaDB (SQLite gets the statements it always got).
 */
function dialectParts(db: AnyDb) {
  const dialect = sqlDialect(db);
  const mysql = dialect === 'mysql';
  return {
    /** An integer primary key the database numbers: an identity column on PostgreSQL, auto_increment on MySQL, autoincrement on SQLite. */
    serialKey: (c: ColumnDefinitionBuilder) =>
      dialect === 'postgres'
        ? c.primaryKey().generatedByDefaultAsIdentity()
        : c.primaryKey().autoIncrement(),
    /** Unbounded text: MySQL's `text` stops at 64 KiB, its `mediumtext` at 16 MiB. */
    longText: mysql ? sql`mediumtext` : ('text' as const),
    /** Creates a table; on MySQL with InnoDB, 4-byte UTF-8 and byte-wise comparison, as SQLite and PostgreSQL compare. */
    createTable: (name: string): Table => {
      const table = db.schema.createTable(name);
      return mysql
        ? table.modifyEnd(sql`engine = InnoDB default charset = utf8mb4 collate = utf8mb4_bin`)
        : table;
    },
    /**
     * A foreign key on `column`: written on the column (SQLite, PostgreSQL), or as a table
     * constraint on MySQL, which ignores REFERENCES written on a column.
     */
    foreignKey: (target: string) => ({
      column: (c: ColumnDefinitionBuilder) => (mysql ? c : c.references(target)),
      table: (table: Table, name: string, column: string): Table => {
        if (!mysql) return table;
        const [targetTable, targetColumn] = target.split('.');
        return table.addForeignKeyConstraint(name, [column], targetTable, [targetColumn]);
      },
    }),
  };
}

/** Only portable column types and indexes: the same migrations run on SQLite, PostgreSQL and MySQL/MariaDB. */
const migrations: Record<string, Migration> = {
  '0001_initial': {
    async up(db: AnyDb) {
      const { serialKey, longText, createTable, foreignKey } = dialectParts(db);
      const toAccount = foreignKey('accounts.id');
      const toContact = foreignKey('contacts.id');

      await createTable('accounts')
        .addColumn('id', 'integer', serialKey)
        .addColumn('username', 'varchar(320)', (c) => c.notNull().unique())
        .addColumn('password_hash', 'varchar(255)', (c) => c.notNull())
        .addColumn('display_name', 'varchar(255)', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .execute();

      let contacts = createTable('contacts')
        .addColumn('id', 'integer', serialKey)
        .addColumn('account_id', 'integer', (c) => toAccount.column(c.notNull()))
        .addColumn('name', 'varchar(255)')
        .addColumn('title', 'varchar(255)')
        .addColumn('company', 'varchar(255)')
        .addColumn('emails', longText, (c) => c.notNull())
        .addColumn('phones', longText, (c) => c.notNull())
        .addColumn('websites', longText, (c) => c.notNull())
        .addColumn('custom_fields', longText, (c) => c.notNull())
        .addColumn('photo_url', 'varchar(1024)')
        .addColumn('address', 'varchar(1024)')
        .addColumn('twitter', 'varchar(255)')
        .addColumn('updated_at', 'bigint', (c) => c.notNull());
      contacts = toAccount.table(contacts, 'contacts_account_fk', 'account_id');
      await contacts.execute();
      await db.schema
        .createIndex('contacts_sync_order')
        .on('contacts')
        .columns(['account_id', 'updated_at', 'id'])
        .execute();

      let channels = createTable('contact_channels')
        .addColumn('account_id', 'integer', (c) => c.notNull())
        .addColumn('contact_id', 'integer', (c) => toContact.column(c.notNull()))
        .addColumn('kind', 'varchar(16)', (c) => c.notNull())
        .addColumn('value', 'varchar(320)', (c) => c.notNull());
      channels = toContact.table(channels, 'contact_channels_contact_fk', 'contact_id');
      await channels.execute();
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

      let users = createTable('users')
        .addColumn('id', 'integer', serialKey)
        .addColumn('account_id', 'integer', (c) => toAccount.column(c.notNull()))
        .addColumn('name', 'varchar(255)')
        .addColumn('email', 'varchar(320)');
      users = toAccount.table(users, 'users_account_fk', 'account_id');
      await users.execute();
      await db.schema
        .createIndex('users_account')
        .on('users')
        .columns(['account_id', 'id'])
        .execute();

      let interactions = createTable('interactions')
        .addColumn('id', 'integer', serialKey)
        .addColumn('account_id', 'integer', (c) => toAccount.column(c.notNull()))
        .addColumn('contact_id', 'integer', (c) => toContact.column(c.notNull()))
        .addColumn('type', 'varchar(32)', (c) => c.notNull())
        .addColumn('subject', 'varchar(255)')
        .addColumn('description', longText)
        .addColumn('priority', 'varchar(32)')
        .addColumn('status', 'varchar(32)')
        .addColumn('occurred_at', 'bigint', (c) => c.notNull())
        .addColumn('agent_id', 'integer');
      interactions = toAccount.table(interactions, 'interactions_account_fk', 'account_id');
      interactions = toContact.table(interactions, 'interactions_contact_fk', 'contact_id');
      await interactions.execute();
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

/**
 * Brings the schema up to date; throws with the failing migration's error. Replicas starting at
 * once are safe: Kysely's migrator takes a lock (an advisory lock on PostgreSQL, GET_LOCK on
 * MySQL) and the second one finds the migrations done.
 */
export async function migrateToLatest<T>(db: Kysely<T>): Promise<void> {
  const migrator = new Migrator({ db: db as Kysely<unknown>, provider: new StaticMigrations() });
  const { error, results } = await migrator.migrateToLatest();
  if (error) {
    const failed = results?.find((r) => r.status === 'Error')?.migrationName ?? 'unknown';
    throw new Error(`Migration ${failed} failed: ${String(error)}`, { cause: error });
  }
}
