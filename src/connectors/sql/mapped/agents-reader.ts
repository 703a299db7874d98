import { sql } from 'kysely';
import type { UserBatch, UserRecord } from '../../ports';
import { text, ValueCompileContext } from '../../manifest-common';
import type { LoadedSqlManifest } from '../manifest/load-sql-manifest';
import type { SqlIdColumn } from '../manifest/sql-manifest.schema';
import { encodeKey, idColumnsOf } from './row-key';
import { Reader, RowShape } from './row-shape';
import type { SqlClient } from './sql-client';
import { hasRow } from './contacts-reader';
import { selectFrom } from './source-query';

type Agents = NonNullable<LoadedSqlManifest['agents']>;

/**
 * The manifest's users, in id order, paged by integer positions (row offsets, or the last id).
 * A composite key orders by each of its columns and gives the key's encoding as id, as for
 * contacts; it is paged by offsets (a position is one integer).
 */
export class AgentsReader {
  private readonly shape: RowShape;
  private readonly keys: SqlIdColumn[];
  private readonly idAt: number;
  private readonly keyAt?: number[];
  private readonly name?: Reader;
  private readonly email?: Reader;

  constructor(
    private readonly client: SqlClient,
    private readonly spec: Agents,
    ctx: ValueCompileContext,
  ) {
    this.shape = new RowShape(ctx);
    this.keys = idColumnsOf(spec.id);
    this.idAt = this.shape.column(this.keys[0].column);
    if (this.keys.length > 1) this.keyAt = this.keys.map((k) => this.shape.column(k.column));
    if (spec.fields.name) this.name = this.shape.reader('agents.fields.name', spec.fields.name);
    if (spec.fields.email) this.email = this.shape.reader('agents.fields.email', spec.fields.email);
    for (const column of spec.columns) this.shape.column(column);
    this.shape.json(spec.json_columns);
  }

  /** Whether the tenant has this agent (filtered out ones do not count). */
  exists(tenant: unknown, id: string): Promise<boolean> {
    return hasRow(this.client, this.spec, this.spec.id, tenant, id);
  }

  async list(tenant: unknown, position: number | null, limit: number): Promise<UserBatch> {
    const keyset = this.spec.paging === 'keyset';
    const offset = position ?? 0;
    const id = sql.ref(this.keys[0].column);
    let select = selectFrom(this.client, this.spec, this.shape.columns, tenant);
    if (keyset && position !== null) select = select.where(id, '>', position);
    else if (!keyset) select = select.offset(offset);
    for (const key of this.keys) select = select.orderBy(sql.ref(key.column));
    const query = select.limit(limit + 1).compile();
    const rows = await this.client.all(query);
    const records: UserRecord[] = [];
    for (const row of rows.slice(0, limit).map((r) => this.shape.prepare(r))) {
      const record = this.shape.recordOf(row);
      const id = this.keyAt
        ? encodeKey(
            this.keys,
            this.keyAt.map((at) => row[at]),
          )
        : row[this.idAt];
      if (id === null || id === undefined) continue;
      records.push({
        id: typeof id === 'number' ? id : String(id),
        name: text(await this.name?.(row, record)),
        email: text(await this.email?.(row, record)),
      });
    }
    if (rows.length <= limit) return { records, next: null };
    // The last id of the page (keyset), or the rows read so far (offset).
    return { records, next: keyset ? Number(rows[limit - 1][this.idAt]) : offset + limit };
  }
}
