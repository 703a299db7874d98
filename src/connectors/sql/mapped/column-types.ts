import { CompiledQuery } from 'kysely';
import type { LoadedSqlManifest } from '../manifest/load-sql-manifest';
import { idColumnsOf } from './row-key';
import type { SqlClient } from './sql-client';

/**
 * What the catalogue says of the contacts table's key and update-time columns, where a type
 * would break the sync's order rather than its speed: a MySQL/MariaDB text id whose collation
 * does not compare by code unit (the bridge compares ids so, and refuses a page out of order),
 * and a PostgreSQL timestamp keeping microseconds (the bridge's positions are milliseconds).
 * Only for a `table`: a `query`'s columns are not in the catalogue.
 */
export async function columnWarnings(
  client: SqlClient,
  contacts: LoadedSqlManifest['contacts'],
): Promise<string[]> {
  if (!contacts.table) return [];
  const [schema, table] = contacts.table.includes('.')
    ? contacts.table.split('.')
    : [undefined, contacts.table];
  const warnings: string[] = [];
  if (client.dialect === 'mysql') {
    for (const key of idColumnsOf(contacts.id).filter((k) => k.type === 'text')) {
      const rows = await client.all(
        CompiledQuery.raw(
          `select COLLATION_NAME, COLUMN_TYPE from information_schema.COLUMNS where TABLE_SCHEMA = ${schema ? '?' : 'database()'} and TABLE_NAME = ? and COLUMN_NAME = ?`,
          [...(schema ? [schema] : []), table, key.column],
        ),
      );
      const [collation, type] = rows[0] ?? [];
      if (typeof collation === 'string' && !/(_bin|^binary)$/i.test(collation)) {
        warnings.push(
          `The text id column ${key.column} has the collation ${collation}, which does not order by code unit as the bridge compares ids: a sync can stop with upstream_order_violated where ids differ only in case or accents. Give it a binary collation: ALTER TABLE \`${table}\` MODIFY \`${key.column}\` ${String(type)} COLLATE utf8mb4_bin`,
        );
      }
    }
  }
  const time = contacts.updated_at;
  if (client.dialect === 'postgres' && (time.type === 'timestamp' || time.type === 'timestamptz')) {
    const rows = await client.all(
      CompiledQuery.raw(
        `select data_type, datetime_precision from information_schema.columns where table_schema = ${schema ? '$1' : 'current_schema()'} and table_name = ${schema ? '$2' : '$1'} and column_name = ${schema ? '$3' : '$2'}`,
        [...(schema ? [schema] : []), table, time.column],
      ),
    );
    const [dataType, precision] = rows[0] ?? [];
    if (/^timestamp/.test(String(dataType)) && Number(precision) > 3) {
      const type = String(dataType).includes('with time zone') ? 'timestamptz(3)' : 'timestamp(3)';
      warnings.push(
        `The update-time column ${time.column} keeps ${String(precision)} fractional digits, the bridge's positions milliseconds: rows changed within one millisecond in an order their ids contradict stop a sync with upstream_order_violated. Declare it ${type}: ALTER TABLE "${table}" ALTER COLUMN "${time.column}" TYPE ${type}`,
      );
    }
  }
  return warnings;
}
