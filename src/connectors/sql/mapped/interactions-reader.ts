import { CompiledQuery, RawBuilder, sql } from 'kysely';
import type { ContactLookup, InteractionQuery, InteractionRecord } from '../../ports';
import { MIN_LAST_DIGITS, PhoneForm, phoneForms } from '../../lookup/phone-forms';
import { text, ValueCompileContext } from '../../manifest-common';
import type { LoadedSqlManifest } from '../manifest/load-sql-manifest';
import type { SqlInteractionStream, SqlLookupTable } from '../manifest/sql-manifest.schema';
import { holdable, idColumnsOf, keyOfId } from './row-key';
import { Reader, RowShape } from './row-shape';
import type { SqlClient } from './sql-client';
import { AnySelect, requireTenant, selectFrom } from './source-query';
import { Slot, StatementTemplate, statementTemplate } from './statement-template';
import { TimeColumn, timeColumn } from './time-column';

interface Stream {
  /** Its place among the manifest's streams: part of its statements' shapes. */
  index: number;
  spec: SqlInteractionStream;
  /** The columns holding the contact's key, in the key's order. */
  contactColumns: string[];
  shape: RowShape;
  idAt: number;
  date: TimeColumn;
  dateAt: number;
  fields: Partial<Record<keyof SqlInteractionStream['fields'], Reader>>;
}

/** Contacts one email or phone of a lookup table may name, of which the first the contacts source has is taken. */
const LOOKUP_CANDIDATES = 20;

/** Pages of one stream read for one retrieval when its rows are of types not asked for. */
const MAX_STREAM_PAGES = 10;

const FIELDS = ['type', 'subject', 'description', 'url', 'priority', 'status'] as const;

const DIGITS = /^\d+$/;

/** Values a lookup looks for at once: equal to one of them, or (`suffix`) ending with the digits of the one. */
interface Wanted {
  values: string[];
  suffix: boolean;
}

/** What people type between the digits of a phone number, dropped before a suffix match. */
const PHONE_PUNCTUATION = [' ', '-', '.', '(', ')', '+', '/'];

/**
 * `<the column without punctuation> LIKE '%<digits>'`: the column's number ends with these
 * digits, however it was typed. The pattern is a bound parameter, its `%`, `_` and escape
 * character escaped; the punctuation is the constant list above. REPLACE and LIKE ... ESCAPE are
 * the same in every dialect. No index serves a suffix: the tenant's contacts are read.
 */
function endsWithDigits(column: string, digits: string) {
  let stripped: RawBuilder<unknown> = sql`${sql.ref(column)}`;
  for (const mark of PHONE_PUNCTUATION) stripped = sql`replace(${stripped}, ${sql.lit(mark)}, '')`;
  const pattern = `%${digits.replace(/[!%_]/g, '!$&')}`;
  return sql<boolean>`${stripped} like ${pattern} escape '!'`;
}

/**
 * A contact's interactions from the manifest's streams (tickets, notes, calls...): the contact
 * found by id, email or phone in the contacts source (each phone form tried in the manifest's
 * order, since a database stores what users typed), always within the account's tenant.
 */
export class InteractionsReader {
  readonly types: string[];
  private readonly streams: Stream[];
  /**
   * The lookup by id and the streams' pages, by shape (which stream, which types): compiled by
   * Kysely once, bound on each call. The shapes come from the manifest, never from request values.
   */
  private readonly templates = new Map<string, StatementTemplate>();

  constructor(
    private readonly client: SqlClient,
    private readonly manifest: LoadedSqlManifest,
    ctx: ValueCompileContext,
    private readonly region: string,
  ) {
    const spec = manifest.interactions!;
    this.types = [...new Set(spec.streams.flatMap((s) => s.types))];
    this.streams = spec.streams.map((s, i) => {
      const shape = new RowShape(ctx);
      const stream: Stream = {
        index: i,
        spec: s,
        contactColumns: Array.isArray(s.contact_column) ? s.contact_column : [s.contact_column],
        shape,
        idAt: shape.column(s.id),
        date: timeColumn(s.date, client.dialect),
        dateAt: shape.column(s.date.column),
        fields: {},
      };
      for (const name of FIELDS) {
        const value = name === 'type' ? (s.fields.type ?? s.type_column) : s.fields[name];
        if (value !== undefined) {
          stream.fields[name] = shape.reader(`interactions.streams[${i}].fields.${name}`, value);
        }
      }
      for (const column of s.columns) shape.column(column);
      shape.json(s.json_columns);
      return stream;
    });
  }

  /** `select <key> from contacts where tenant and filters and <condition> limit 1`. */
  private async contactWhere(
    tenant: unknown,
    condition: (select: AnySelect) => AnySelect,
  ): Promise<unknown[] | undefined> {
    const contacts = this.manifest.contacts;
    const key = idColumnsOf(contacts.id).map((k) => k.column);
    const select = condition(selectFrom(this.client, contacts, key, tenant)).limit(1);
    const [row] = await this.client.all(select.compile());
    return row && key.map((_, i) => row[i]);
  }

  /**
   * A bound value as the stream's statement takes it. On SQLite, `+?`: the same value to SQLite
   * (unary plus changes neither its type nor the comparison, and the index is still used), but a
   * value the planner does not look at. With an ORDER BY, SQLite 3.54 lets the plan of a
   * statement depend on every `column = ?` and on a bound LIMIT, and then prepares the statement
   * again (parses and plans it) each time a value is bound anew: on every page read. Other
   * dialects: the plain parameter.
   */
  private planFree(value: unknown): unknown {
    return this.client.dialect === 'sqlite' ? sql<unknown>`+${value}` : value;
  }

  /** The statement of this shape, compiled once with `count` slots where each call's values go. */
  private template(
    shape: string,
    count: number,
    build: (slots: Slot[]) => { compile(): CompiledQuery },
  ): StatementTemplate {
    let template = this.templates.get(shape);
    if (template === undefined) {
      const slots = Array.from({ length: count }, (_, i) => new Slot(String(i)));
      template = statementTemplate(build(slots).compile(), slots);
      this.templates.set(shape, template);
    }
    return template;
  }

  /**
   * `select <key> from contacts where tenant and filters and <key> = <id> limit 1`. The limit is
   * written into the statement: SQLite prepares a statement again whenever a value its plan may
   * depend on is bound anew, and a bound LIMIT is such a value.
   */
  private async contactById(tenant: unknown, id: unknown[]): Promise<unknown[] | undefined> {
    const contacts = this.manifest.contacts;
    requireTenant(contacts, tenant);
    const key = idColumnsOf(contacts.id).map((k) => k.column);
    const query = this.template('contact by id', 1 + id.length, ([t, ...values]) =>
      key
        .reduce(
          (q, column, i) => q.where(sql.ref(column), '=', values[i]),
          selectFrom(this.client, contacts, key, t),
        )
        .limit(sql.lit(1)),
    );
    const [row] = await this.client.all(query([tenant, ...id]));
    return row && key.map((_, i) => row[i]);
  }

  /**
   * The lowest contact id a lookup table holds for the values, among the contacts the contacts
   * source has for the tenant: a lookup table never names a contact it leaves out (a deleted
   * one, another tenant's). Two statements, each read from an index (a suffix from none). The
   * contacts' key is one column (the manifest's check refuses lookup tables with a composite one).
   */
  private async contactThrough(
    tenant: unknown,
    table: SqlLookupTable,
    wanted: Wanted,
  ): Promise<unknown[] | undefined> {
    const contact = sql.ref(table.contact_column);
    const candidates = await this.client.all(
      selectFrom(this.client, table, [table.contact_column], tenant)
        .where((eb) =>
          wanted.suffix
            ? endsWithDigits(table.value_column, wanted.values[0])
            : eb(sql.ref(table.value_column), 'in', wanted.values),
        )
        .orderBy(contact)
        .limit(LOOKUP_CANDIDATES)
        .compile(),
    );
    const ids = [...new Set(candidates.map((row) => row[0]))].filter(
      (id) => id !== null && id !== undefined,
    );
    if (ids.length === 0) return undefined;
    const contacts = this.manifest.contacts;
    const [id] = idColumnsOf(contacts.id);
    const rows = await this.client.all(
      selectFrom(this.client, contacts, [id.column], tenant)
        .where(sql.ref(id.column), 'in', ids)
        .orderBy(sql.ref(id.column))
        .limit(1)
        .compile(),
    );
    return rows[0] && [rows[0][0]];
  }

  /** Each of the wanted values in turn, first in the contacts' own columns, then in the lookup tables. */
  private async firstFound(
    tenant: unknown,
    holds: 'email' | 'phone',
    columns: readonly string[],
    tries: readonly Wanted[],
  ): Promise<unknown[] | undefined> {
    const tables = this.manifest.interactions!.lookup.tables.filter((t) => t.holds === holds);
    for (const wanted of tries) {
      const { values, suffix } = wanted;
      if (values.length === 0) continue;
      if (columns.length > 0) {
        const found = await this.contactWhere(tenant, (s) =>
          s.where((eb) =>
            eb.or(
              columns.map((c) =>
                suffix
                  ? endsWithDigits(c, values[0])
                  : values.length === 1
                    ? eb(sql.ref(c), '=', values[0])
                    : eb(sql.ref(c), 'in', values),
              ),
            ),
          ),
        );
        if (found !== undefined) return found;
      }
      for (const table of tables) {
        const found = await this.contactThrough(tenant, table, wanted);
        if (found !== undefined) return found;
      }
    }
    return undefined;
  }

  /** The contact's key (its columns' values), or undefined when none is found. */
  private async findContact(
    tenant: unknown,
    lookup: ContactLookup,
  ): Promise<unknown[] | undefined> {
    const contacts = this.manifest.contacts;
    const {
      email_columns: emailColumns,
      phone_columns: phoneColumns,
      phone_forms: forms,
      last_digits: lastDigits,
    } = this.manifest.interactions!.lookup;
    if (lookup.contactId !== undefined) {
      const columns = idColumnsOf(contacts.id);
      const key = keyOfId(columns, lookup.contactId);
      if (key !== undefined) {
        const found = await this.contactById(tenant, key);
        // An id the database does not know falls back to the emails and phones.
        if (found !== undefined) return found;
      }
    }
    const emails = lookup.emails.map((email) => ({
      values: [...new Set([email.trim(), email.trim().toLowerCase()])].filter(
        (v) => v && holdable(v),
      ),
      suffix: false,
    }));
    const byEmail = await this.firstFound(tenant, 'email', emailColumns, emails);
    if (byEmail !== undefined) return byEmail;
    // Each number as Talkdesk sent it first, then in each declared form in order.
    const phones: Wanted[] = [];
    for (const phone of lookup.phones) {
      const tried = new Set<string>();
      const tries: { form?: PhoneForm; value: string }[] = [
        { value: phone.trim() },
        ...phoneForms(phone, this.region, forms, lastDigits),
      ];
      for (const { form, value } of tries) {
        const suffix = form === 'last_digits';
        if (!value || !holdable(value) || tried.has(`${suffix}:${value}`)) continue;
        tried.add(`${suffix}:${value}`);
        if (suffix && !(DIGITS.test(value) && value.length >= MIN_LAST_DIGITS)) continue;
        phones.push({ values: [value], suffix });
      }
    }
    return this.firstFound(tenant, 'phone', phoneColumns, phones);
  }

  async find(
    tenant: unknown,
    lookup: ContactLookup,
    query: InteractionQuery,
  ): Promise<InteractionRecord[] | null> {
    const contactKey = await this.findContact(tenant, lookup);
    if (contactKey === undefined || contactKey.some((v) => v === null)) return null;
    const wanted = new Set(query.types);
    const out: InteractionRecord[] = [];
    for (const stream of this.streams) {
      if (!stream.spec.types.some((t) => wanted.has(t))) continue;
      out.push(...(await this.readStream(stream, tenant, contactKey, wanted, query.limit)));
    }
    out.sort((a, b) => Number(b.date) - Number(a.date));
    return out.slice(0, query.limit);
  }

  /**
   * The newest `limit` interactions of the wanted types in one stream. A stream of several types
   * maps its type column in the manifest (not in SQL): pages of rows are read until enough are of
   * a wanted type, or the contact's rows end (at most MAX_STREAM_PAGES pages).
   */
  private async readStream(
    stream: Stream,
    tenant: unknown,
    contactKey: unknown[],
    wanted: ReadonlySet<string>,
    limit: number,
  ): Promise<InteractionRecord[]> {
    const out: InteractionRecord[] = [];
    const date = sql.ref(stream.date.column);
    const f = stream.fields;
    const typeColumn = stream.spec.type_column;
    // The types asked for, chosen by the database: one page holds the newest of them.
    const types = typeColumn ? stream.spec.types.filter((t) => wanted.has(t)) : [];
    const shape = `stream ${stream.index} ${JSON.stringify(types)}`;
    requireTenant(stream.spec, tenant);
    const value = (v: unknown) => this.planFree(v);
    const query = this.template(shape, 3 + contactKey.length, ([t, size, offset, ...key]) => {
      let select = stream.contactColumns.reduce(
        (q, column, i) => q.where(sql.ref(column), '=', value(key[i])),
        selectFrom(this.client, stream.spec, stream.shape.columns, value(t)),
      );
      if (typeColumn) select = select.where(sql.ref(typeColumn), 'in', types.map(value));
      return select
        .orderBy(date, 'desc')
        .orderBy(sql.ref(stream.spec.id), 'desc')
        .limit(value(size) as unknown as number)
        .offset(value(offset) as unknown as number);
    });
    for (let page = 0; page < MAX_STREAM_PAGES && out.length < limit; page++) {
      const rows = await this.client.all(query([tenant, limit, page * limit, ...contactKey]));
      for (const row of rows.map((r) => stream.shape.prepare(r))) {
        const record = stream.shape.recordOf(row);
        const read = async (reader: Reader | undefined) =>
          reader ? text(await reader(row, record)) : null;
        const type = f.type ? await read(f.type) : stream.spec.types[0];
        const at = stream.date.toMs(row[stream.dateAt]);
        const id = row[stream.idAt];
        if (!type || !wanted.has(type) || at === undefined || id === null || id === undefined) {
          continue;
        }
        out.push({
          id: typeof id === 'number' ? id : String(id),
          type,
          date: at,
          subject: await read(f.subject),
          description: await read(f.description),
          url: await read(f.url),
          priority: await read(f.priority),
          status: await read(f.status),
        });
        if (out.length === limit) break;
      }
      if (rows.length < limit || !f.type || typeColumn) break;
    }
    return out;
  }
}
