import { CompiledQuery, sql } from 'kysely';
import type { ContactBatch, ContactQuery, ContactRecord } from '../../ports';
import { InvalidPositionError, UpstreamError } from '../../ports/errors';
import { ExpressionError, textOf, ValueCompileContext } from '../../manifest-common';
import { numberText } from '../../../common/number-text';
import type { LoadedSqlManifest } from '../manifest/load-sql-manifest';
import type { SqlIdColumn } from '../manifest/sql-manifest.schema';
import { encodeKey, IdSpec, idColumnsOf, idOfType, keyOfId } from './row-key';
import { Reader, RowShape } from './row-shape';
import type { Row, SqlClient } from './sql-client';
import { RowSource, selectFrom } from './source-query';
import { Slot, StatementTemplate, statementTemplate } from './statement-template';
import { TimeColumn, timeColumn } from './time-column';

type Contacts = LoadedSqlManifest['contacts'];

const PLACEHOLDER_ID = { integer: 0, uuid: '00000000-0000-0000-0000-000000000000', text: '' };

/**
 * The key of the tenant's row of this id in a source, column → value as the database holds it,
 * or undefined when it has none (filtered out ones do not count).
 */
export async function rowKeyOf(
  client: SqlClient,
  source: RowSource,
  idSpec: IdSpec,
  tenant: unknown,
  id: string,
): Promise<Record<string, unknown> | undefined> {
  const keys = idColumnsOf(idSpec);
  const values = keyOfId(keys, id);
  if (values === undefined) return undefined;
  const columns = keys.map((k) => k.column);
  let select = selectFrom(client, source, columns, tenant);
  columns.forEach((column, i) => {
    select = select.where(sql.ref(column), '=', values[i]);
  });
  const [row] = await client.all(select.limit(1).compile());
  return row && Object.fromEntries(columns.map((column, i) => [column, row[i]]));
}

/** Whether the source has, for the tenant, the row of this id (filtered out ones do not count). */
export async function hasRow(
  client: SqlClient,
  source: RowSource,
  idSpec: IdSpec,
  tenant: unknown,
  id: string,
): Promise<boolean> {
  return (await rowKeyOf(client, source, idSpec, tenant, id)) !== undefined;
}

/**
 * A cell as contact text: text as the database holds it (the contact normalizer trims and drops
 * blanks, for every connector alike), numbers and booleans as text, anything else none.
 */
function cell(value: unknown): string | null {
  if (typeof value === 'string') return value === '' ? null : value;
  if (typeof value === 'number') return Number.isFinite(value) ? numberText(value) : null;
  if (typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return value.length > 0 ? cell(value[0]) : null;
  return null;
}

/** Whether every item is non-empty text: such a list (a JSON column's) is handed on as it is. */
function allText(list: unknown[]): list is string[] {
  for (const item of list) if (typeof item !== 'string' || item === '') return false;
  return true;
}

/** One value or a list, nested lists flattened (several list columns), as texts. */
function cells(value: unknown, out?: string[]): string[] {
  if (out === undefined && Array.isArray(value) && allText(value)) return value;
  out ??= [];
  if (Array.isArray(value)) {
    for (const item of value) {
      if (Array.isArray(item)) cells(item, out);
      else {
        const t = cell(item);
        if (t !== null) out.push(t);
      }
    }
  } else {
    const t = cell(value);
    if (t !== null) out.push(t);
  }
  return out;
}

/** A list of `{key, value}` or an object, as custom fields (the REST connector's rule). */
function customFieldsFrom(value: unknown, out: { key: string; value: unknown }[]): void {
  if (value === undefined || value === null || value === '') return;
  if (Array.isArray(value)) {
    for (const item of value) {
      if (typeof item === 'object' && item !== null && 'key' in item) {
        const key = textOf((item as { key: unknown }).key);
        if (key !== '') out.push({ key, value: (item as { value: unknown }).value });
      }
    }
  } else if (typeof value === 'object') {
    for (const [key, v] of Object.entries(value as Record<string, unknown>))
      out.push({ key, value: v });
  }
}

const NO_VALUES: unknown[] = [];

/** The values of a page's keyset query, bound in this order. */
const SLOT = {
  tenant: new Slot('tenant'),
  until: new Slot("the run's upper bound"),
  since: new Slot("the run's lower bound"),
  from: new Slot("the position's update time"),
  next: new Slot("the update time after the position's"),
  afterId: new Slot("the position's id"),
  limit: new Slot('limit'),
};
const PAGE_SLOTS = [
  SLOT.tenant,
  SLOT.until,
  SLOT.since,
  SLOT.from,
  SLOT.next,
  SLOT.afterId,
  SLOT.limit,
];

/** Whether a list is custom fields already (a JSON column's `[{key, value}]`). */
function isCustomFields(list: unknown): list is { key: string; value: unknown }[] {
  if (!Array.isArray(list)) return false;
  for (const item of list) {
    if (
      typeof item !== 'object' ||
      item === null ||
      typeof (item as { key?: unknown }).key !== 'string'
    ) {
      return false;
    }
    if ((item as { key: string }).key === '') return false;
  }
  return true;
}

/** Custom fields as the contacts port hands them. */
function customFieldsOf(from: unknown, values: unknown[], keys: readonly string[]) {
  if (keys.length === 0 && isCustomFields(from)) return from;
  const out: { key: string; value: unknown }[] = [];
  customFieldsFrom(from, out);
  for (let i = 0; i < keys.length; i++) {
    const value = values[i];
    if (value !== undefined && value !== null && value !== '') out.push({ key: keys[i], value });
  }
  return out;
}

/**
 * Keyset pages of the manifest's contacts in (update time, id) order: the query every sync runs.
 * Rows come as arrays and are mapped straight into contact records. A composite key orders by
 * (update time, each key column) and gives each contact the key's encoding (row-key.ts) as id.
 */
export class ContactsReader {
  readonly time: TimeColumn;
  /** The key's columns (one, unless the key is composite). */
  readonly keyColumns: SqlIdColumn[];
  private readonly id: SqlIdColumn;
  private readonly shape: RowShape;
  private readonly idAt: number;
  /** Where a composite key's columns are in a row; undefined for a single id column. */
  private readonly keyAt?: number[];
  private readonly timeAt: number;
  private readonly fields: Partial<Record<keyof Contacts['fields'], Reader>> = {};
  private readonly customKeys: string[];
  private readonly customReaders: Reader[];
  private readonly customFrom?: Reader;
  private readonly async: boolean;
  /** The page query of each shape, compiled once: see pageQuery. */
  private readonly pageTemplates: StatementTemplate[] = [];

  constructor(
    private readonly client: SqlClient,
    private readonly spec: Contacts,
    ctx: ValueCompileContext,
  ) {
    this.time = timeColumn(spec.updated_at, client.dialect);
    this.shape = new RowShape(ctx);
    this.keyColumns = idColumnsOf(spec.id);
    this.id = this.keyColumns[0];
    this.idAt = this.shape.column(this.id.column);
    if (this.keyColumns.length > 1) {
      this.keyAt = this.keyColumns.map((k) => this.shape.column(k.column));
    }
    this.timeAt = this.shape.column(spec.updated_at.column);
    for (const [name, value] of Object.entries(spec.fields)) {
      if (value === undefined) continue;
      const where = `contacts.fields.${name}`;
      this.fields[name as keyof Contacts['fields']] = ['emails', 'phones', 'websites'].includes(
        name,
      )
        ? this.shape.listReader(where, value)
        : this.shape.reader(where, value as Exclude<typeof value, unknown[]>);
    }
    this.customKeys = Object.keys(spec.custom_fields);
    this.customReaders = this.customKeys.map((key) =>
      this.shape.reader(`contacts.custom_fields.${key}`, spec.custom_fields[key]),
    );
    if (spec.custom_fields_from) {
      this.customFrom = this.shape.reader('contacts.custom_fields_from', spec.custom_fields_from);
    }
    for (const column of spec.columns) this.shape.column(column);
    this.shape.json(spec.json_columns);
    const specs = [
      ...Object.values(spec.fields).flat(),
      ...Object.values(spec.custom_fields),
      spec.custom_fields_from,
    ];
    this.async = specs.some((s) => typeof s === 'object' && s?.expression !== undefined);
  }

  /** The id of a position, as the id column compares; a position that cannot be one is refused. */
  private idValue(id: string): string | number {
    const value = idOfType(this.id.type, id);
    if (value === undefined)
      throw new InvalidPositionError(`contact id is not of type ${this.id.type}`);
    return value;
  }

  /** The key parts of a contact id, or undefined when it cannot be one of this table's. */
  keyOfId(id: string): (string | number)[] | undefined {
    return keyOfId(this.keyColumns, id);
  }

  /** A key column as the keyset compares it: text ids by code unit, whatever the collation. */
  private keyRef(key: SqlIdColumn) {
    return key.type === 'text' && this.client.dialect === 'postgres'
      ? sql`${sql.ref(key.column)} collate "C"`
      : sql.ref(key.column);
  }

  /** The tenant's rows changed within the run's bounds. */
  private changedWithin(tenant: unknown, query: ContactQuery) {
    const t = this.time;
    const col = sql.ref(t.column);
    const select = selectFrom(this.client, this.spec, this.shape.columns, tenant).where(
      col,
      '<=',
      t.atOrBefore(query.changedUntil),
    );
    return query.changedSince === undefined
      ? select
      : select.where(col, '>=', t.atOrAfter(query.changedSince));
  }

  /**
   * The keyset query of one page (one row more than the limit, to tell whether more follow):
   * compiled once for each shape (with or without a lower bound, with or without a position),
   * then bound to each page's values.
   */
  pageQuery(tenant: unknown, query: ContactQuery): CompiledQuery {
    if (this.keyAt) return this.compositePageQuery(tenant, query);
    if (this.spec.tenant_column && (tenant === null || tenant === undefined)) {
      throw new Error('a source with a tenant column is read without a tenant');
    }
    const t = this.time;
    const { after, changedSince } = query;
    const shape = (changedSince === undefined ? 0 : 1) | (after ? 2 : 0);
    const template = (this.pageTemplates[shape] ??= statementTemplate(
      this.compilePageQuery(changedSince !== undefined, after !== undefined),
      PAGE_SLOTS,
    ));
    return template([
      tenant,
      t.atOrBefore(query.changedUntil),
      changedSince === undefined ? undefined : t.atOrAfter(changedSince),
      after && t.atOrAfter(after.updatedAt),
      after && t.atOrAfter(after.updatedAt + t.precisionMs),
      after && this.idValue(after.id),
      query.limit + 1,
    ]);
  }

  /**
   * A page's value as the keyset statement takes it. On SQLite, `+?`: the same value to SQLite
   * (unary plus changes neither its type nor the comparison, and the index is still used), but one
   * its planner does not look at. With an ORDER BY, SQLite lets the plan of a statement depend on
   * bound values (the tenant's `= ?`, the ranges, the LIMIT) and then prepares the statement again
   * (parses and plans it) each time one is bound anew: on every page. Other dialects: the plain
   * parameter.
   */
  private planFree(slot: Slot): unknown {
    return this.client.dialect === 'sqlite' ? sql<unknown>`+${slot}` : slot;
  }

  /** The keyset query of a page shape, its values left as slots (PAGE_SLOTS). */
  private compilePageQuery(since: boolean, after: boolean): CompiledQuery {
    const col = sql.ref(this.time.column);
    // Text ids sort as the contacts port compares them (code units), whatever the collation.
    const id = this.keyRef(this.id);
    const value = (slot: Slot) => this.planFree(slot);
    let select = selectFrom(
      this.client,
      this.spec,
      this.shape.columns,
      value(SLOT.tenant),
      this.spec.index,
    ).where(col, '<=', value(SLOT.until));
    if (since) select = select.where(col, '>=', value(SLOT.since));
    if (after) {
      // (time, id) > (after.time, after.id) at the column's precision, written as ranges of the
      // time column so that every dialect reads it from the (tenant, time, id) index.
      select = select
        .where(col, '>=', value(SLOT.from))
        .where((eb) => eb.or([eb(col, '>=', value(SLOT.next)), eb(id, '>', value(SLOT.afterId))]));
    }
    return select
      .orderBy(col)
      .orderBy(id)
      .limit(value(SLOT.limit) as number)
      .compile();
  }

  /**
   * The keyset query over a composite key: (time, k1, ..., kn) > (after), the key part written
   * out as `k1 > v1 or (k1 = v1 and k2 > v2) ...`, which every dialect reads within the index's
   * range of the time column.
   */
  private compositePageQuery(tenant: unknown, query: ContactQuery) {
    const t = this.time;
    const col = sql.ref(t.column);
    const keys = this.keyColumns.map((k) => this.keyRef(k));
    let select = this.changedWithin(tenant, query);
    if (query.after) {
      const after = query.after;
      const values = this.keyOfId(after.id);
      if (!values) throw new InvalidPositionError('contact id is not a key of this table');
      select = select
        .where(col, '>=', t.atOrAfter(after.updatedAt))
        .where((eb) =>
          eb.or([
            eb(col, '>=', t.atOrAfter(after.updatedAt + t.precisionMs)),
            ...keys.map((key, i) =>
              eb.and([
                ...keys.slice(0, i).map((earlier, j) => eb(earlier, '=', values[j])),
                eb(key, '>', values[i]),
              ]),
            ),
          ]),
        );
    }
    let ordered = select.orderBy(col);
    for (const key of keys) ordered = ordered.orderBy(key);
    return ordered.limit(query.limit + 1).compile();
  }

  /** A contact id deep in any table, for the plan of a later page's query. */
  placeholderId(): string {
    if (!this.keyAt) return String(PLACEHOLDER_ID[this.id.type]);
    return encodeKey(
      this.keyColumns,
      this.keyColumns.map((k) => PLACEHOLDER_ID[k.type]),
    )!;
  }

  /** The index the keyset query reads, as a statement to create it. */
  indexAdvice(): string {
    const quote = (name: string) =>
      name
        .split('.')
        .map((part) => (this.client.dialect === 'mysql' ? `\`${part}\`` : `"${part}"`))
        .join('.');
    const columns = [
      this.spec.tenant_column,
      this.spec.updated_at.column,
      ...this.keyColumns.map((k) => k.column),
    ].filter((c): c is string => c !== undefined);
    const table = this.spec.table;
    if (!table)
      return `Create an index on (${columns.join(', ')}) of the table behind contacts.query.`;
    const name = `${table.replace(/\W/g, '_').toLowerCase()}_sync_order`;
    return `Create the index: CREATE INDEX ${name} ON ${quote(table)} (${columns.map(quote).join(', ')})`;
  }

  /**
   * The key of the tenant's contact with this id, column → value as the database holds it, or
   * undefined when it has none (deleted or filtered out ones do not count).
   */
  keyOf(tenant: unknown, id: string): Promise<Record<string, unknown> | undefined> {
    return rowKeyOf(this.client, this.spec, this.spec.id, tenant, id);
  }

  async list(tenant: unknown, query: ContactQuery): Promise<ContactBatch> {
    const rows = await this.client.all(this.pageQuery(tenant, query));
    const hasMore = rows.length > query.limit;
    const take = hasMore ? query.limit : rows.length;
    const records: ContactRecord[] = [];
    for (let i = 0; i < take; i++) {
      const record = this.async ? await this.mapOrFail(rows[i]) : this.map(rows[i]);
      if (record) records.push(record);
    }
    return { records, hasMore };
  }

  private head(row: Row): { id: string; updatedAt: number } | undefined {
    if (this.keyAt) return this.compositeHead(row);
    const rawId = row[this.idAt];
    const updatedAt = this.time.toMs(row[this.timeAt]);
    if (rawId === null || rawId === undefined || updatedAt === undefined) return undefined;
    const id =
      typeof rawId === 'string'
        ? rawId
        : typeof rawId === 'number'
          ? numberText(rawId)
          : String(rawId);
    return { id: this.id.type === 'uuid' ? id.toLowerCase() : id, updatedAt };
  }

  private compositeHead(row: Row): { id: string; updatedAt: number } | undefined {
    const id = encodeKey(
      this.keyColumns,
      this.keyAt!.map((at) => row[at]),
    );
    const updatedAt = this.time.toMs(row[this.timeAt]);
    return id === undefined || updatedAt === undefined ? undefined : { id, updatedAt };
  }

  private map(raw: Row): ContactRecord | undefined {
    const row = this.shape.prepare(raw);
    const head = this.head(row);
    if (!head) return undefined;
    const record = this.shape.recordOf(row);
    const f = this.fields;
    // Each field's reader called in place (no closure per row): the same order as before.
    return {
      id: head.id,
      updatedAt: head.updatedAt,
      name: cell(f.name?.(row, record)),
      title: cell(f.title?.(row, record)),
      company: cell(f.company?.(row, record)),
      emails: cells(f.emails?.(row, record)),
      phones: cells(f.phones?.(row, record)),
      websites: cells(f.websites?.(row, record)),
      customFields: customFieldsOf(
        this.customFrom?.(row, record),
        this.customReaders.length === 0 ? NO_VALUES : this.customReaders.map((r) => r(row, record)),
        this.customKeys,
      ),
      photoUrl: cell(f.photo_url?.(row, record)),
      address: cell(f.address?.(row, record)),
      twitter: cell(f.twitter?.(row, record)),
      url: cell(f.url?.(row, record)),
    };
  }

  /** An expression failing on a row fails the page, naming it: a contact is never left out silently. */
  private async mapOrFail(row: Row): Promise<ContactRecord | undefined> {
    try {
      return await this.mapAsync(row);
    } catch (error) {
      if (!(error instanceof ExpressionError)) throw error;
      throw new UpstreamError(`contact ${String(row[this.idAt])}: ${error.message}`);
    }
  }

  private async mapAsync(raw: Row): Promise<ContactRecord | undefined> {
    const row = this.shape.prepare(raw);
    const head = this.head(row);
    if (!head) return undefined;
    const record = this.shape.recordOf(row);
    const f = this.fields;
    const names = Object.keys(f) as (keyof typeof f)[];
    const values = await Promise.all(names.map((n) => f[n]!(row, record)));
    const v = Object.fromEntries(names.map((n, i) => [n, values[i]])) as Record<string, unknown>;
    return {
      id: head.id,
      updatedAt: head.updatedAt,
      name: cell(v.name),
      title: cell(v.title),
      company: cell(v.company),
      emails: cells(v.emails),
      phones: cells(v.phones),
      websites: cells(v.websites),
      customFields: customFieldsOf(
        await this.customFrom?.(row, record),
        await Promise.all(this.customReaders.map((r) => r(row, record))),
        this.customKeys,
      ),
      photoUrl: cell(v.photo_url),
      address: cell(v.address),
      twitter: cell(v.twitter),
      url: cell(v.url),
    };
  }
}
