import { sql, SelectQueryBuilder } from 'kysely';
import type { SqlFilter } from '../manifest/sql-manifest.schema';
import type { SqlClient } from './sql-client';

/* eslint-disable @typescript-eslint/no-explicit-any */
export type AnySelect = SelectQueryBuilder<any, any, any>;

/** A table, or a SELECT of the manifest's own read as a subquery, with its filters and tenant column. */
export interface RowSource {
  table?: string;
  query?: string;
  tenant_column?: string;
  where: SqlFilter[];
}

/**
 * `select <columns> from <source> where <tenant> and <filters>`: identifiers from the manifest,
 * quoted by the dialect; every value a bound parameter. The tenant is the one the account's
 * credentials yielded: a source with a tenant column is never read without it.
 */
export function selectFrom(
  client: SqlClient,
  source: RowSource,
  columns: readonly string[],
  tenant: unknown,
  /** MySQL/MariaDB: the index the statement must read (FORCE INDEX); other dialects choose well. */
  forceIndex?: string,
): AnySelect {
  // `FROM t AS t FORCE INDEX (i)`: MySQL takes the hint after the alias.
  const hinted =
    forceIndex && source.table && client.dialect === 'mysql'
      ? sql`${sql.table(source.table)}`.as(
          sql`${sql.id(source.table.split('.').pop()!)} force index (${sql.id(forceIndex)})`,
        )
      : undefined;
  const from = hinted
    ? client.builder.selectFrom(hinted)
    : source.table
      ? client.builder.selectFrom(source.table)
      : client.builder.selectFrom(sql`(${sql.raw(source.query!)})`.as('source'));
  let select = from.select(columns.map((c) => sql.ref(c).as(c)));
  if (source.tenant_column) {
    requireTenant(source, tenant);
    select = select.where(sql.ref(source.tenant_column), '=', tenant);
  }
  return applyFilters(select, source.where);
}

/** A source with a tenant column is never read without a tenant. */
export function requireTenant(source: RowSource, tenant: unknown): void {
  if (source.tenant_column && (tenant === null || tenant === undefined)) {
    throw new Error('a source with a tenant column is read without a tenant');
  }
}

export function applyFilters<Q extends { where: AnySelect['where'] }>(
  select: Q,
  filters: readonly SqlFilter[],
): Q {
  let out = select as unknown as AnySelect;
  for (const f of filters) {
    const ref = sql.ref(f.column);
    if (f.equals !== undefined) out = out.where(ref, '=', f.equals);
    else if (f.not_equals !== undefined) {
      const value = f.not_equals;
      out = out.where((eb) => eb.or([eb(ref, '<>', value), eb(ref, 'is', null)]));
    } else if (f.in !== undefined) out = out.where(ref, 'in', f.in);
    else if (f.is_null !== undefined) out = out.where(ref, f.is_null ? 'is' : 'is not', null);
  }
  return out as unknown as Q;
}
