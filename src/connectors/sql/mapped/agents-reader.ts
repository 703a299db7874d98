import { sql } from 'kysely';
import type { UserBatch, UserRecord } from '../../ports';
import { text, ValueCompileContext } from '../../manifest-common';
import type { LoadedSqlManifest } from '../manifest/load-sql-manifest';
import type { SqlIdColumn } from '../manifest/sql-manifest.schema';
import { encodeKey, idColumnsOf } from './row-key';
import { Reader, RowShape } from './row-shape';
import type { SqlClient } from './sql-client';
import { selectFrom } from './source-query';

type Agents = NonNullable<LoadedSqlManifest['agents']>;

/**
 * The manifest's users, in id order (each column of a composite key in turn, the id then its
 * encoding as for contacts), paged by integer positions (row offsets).
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

  async list(tenant: unknown, position: number | null, limit: number): Promise<UserBatch> {
    const offset = position ?? 0;
    let select = selectFrom(this.client, this.spec, this.shape.columns, tenant);
    for (const key of this.keys) select = select.orderBy(sql.ref(key.column));
    const query = select
      .limit(limit + 1)
      .offset(offset)
      .compile();
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
    return { records, next: rows.length > limit ? offset + limit : null };
  }
}
