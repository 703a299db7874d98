import { sql } from 'kysely';
import type { ActionDefinition, ActionOutcome, ActionRequest } from '../../ports';
import { ActionRejectedError } from '../../ports/errors';
import {
  CompiledValue,
  compileValue,
  evaluate,
  formatDate,
  text,
  ValueCompileContext,
} from '../../manifest-common';
import type { SqlActionSpec } from '../manifest/sql-manifest.schema';
import type { SqlClient } from './sql-client';

type ResponseKey = keyof SqlActionSpec['response'];

interface CompiledAction {
  spec: SqlActionSpec;
  columns: [string, CompiledValue][];
  key?: CompiledValue;
  response: Partial<Record<ResponseKey, CompiledValue>>;
}

/**
 * A value from a request as a bound parameter: text, a number, a boolean or NULL. Anything else
 * (a list, an object) is bound as its JSON text: drivers expand lists and objects into SQL of
 * their own (mysql2 writes `a = 1, b = 2` for an object), which a request must never shape.
 */
export function bindable(value: unknown): string | number | boolean | null {
  if (value === undefined || value === null) return null;
  if (typeof value === 'string' || typeof value === 'boolean') return value;
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  return JSON.stringify(value);
}

/**
 * The manifest's actions: one parameterized INSERT or UPDATE each, in a transaction, answering
 * the new row's id (RETURNING; the insert id on MySQL/MariaDB). Column names come from the
 * manifest; every value is a bound parameter.
 */
export class ActionsWriter {
  readonly definitions: ActionDefinition[];
  private readonly actions = new Map<string, CompiledAction>();

  constructor(
    private readonly client: SqlClient,
    specs: SqlActionSpec[],
    ctx: ValueCompileContext,
    /** The key of the account's contact an action names (column → value), if it has one. */
    private readonly contactKey: (
      tenant: unknown,
      id: string,
    ) => Promise<Record<string, unknown> | undefined>,
  ) {
    this.definitions = specs.map((s) => ({
      name: s.name,
      display: s.display,
      description: s.description,
      inputs: s.inputs.map((i) => ({ key: i.key, name: i.name, mandatory: i.mandatory })),
    }));
    specs.forEach((spec, i) => {
      const where = `actions[${i}]`;
      const values = spec.insert?.values ?? spec.update?.set ?? {};
      const part = spec.insert ? 'insert.values' : 'update.set';
      this.actions.set(spec.name, {
        spec,
        columns: Object.entries(values).map(([column, v]) => [
          column,
          compileValue(ctx, `${where}.${part}.${column}`, v),
        ]),
        ...(spec.update && {
          key: compileValue(ctx, `${where}.update.key.value`, spec.update.key.value),
        }),
        response: Object.fromEntries(
          Object.entries(spec.response)
            .filter(([, v]) => v !== undefined)
            .map(([key, v]) => [key, compileValue(ctx, `${where}.response.${key}`, v!)]),
        ),
      });
    });
  }

  async run(
    tenant: unknown,
    name: string,
    request: ActionRequest,
  ): Promise<ActionOutcome | undefined> {
    const action = this.actions.get(name);
    if (!action) return undefined;
    const { spec } = action;
    if (spec.requires.includes('contact_external_id') && !request.contactExternalId) {
      throw new ActionRejectedError('This action needs a contact');
    }
    if (spec.requires.includes('agent_external_id') && !request.agentExternalId) {
      throw new ActionRejectedError('This action needs an agent');
    }
    // An action never writes about a contact of another account, nor one that does not exist.
    const key = request.contactExternalId
      ? await this.contactKey(tenant, request.contactExternalId)
      : undefined;
    if (request.contactExternalId && !key) {
      throw new ActionRejectedError('The contact was not found');
    }
    const scope = {
      data: request.data,
      contact: { id: request.contactExternalId, key },
      agent: { id: request.agentExternalId },
      account: { tenant },
    };
    const values: Record<string, unknown> = {};
    for (const [column, v] of action.columns)
      values[column] = bindable(await evaluate(v, scope, scope));
    const ms = Date.now();
    const target = spec.insert ?? spec.update!;
    for (const [column, form] of Object.entries(target.now)) values[column] = formatDate(ms, form);
    if (target.tenant_column) values[target.tenant_column] = tenant;

    const id = await this.write(action, values, scope, tenant);
    const answer = { ...scope, id };
    const read = async (key: ResponseKey) => {
      const v = action.response[key];
      return v ? (text(await evaluate(v, answer, answer)) ?? undefined) : undefined;
    };
    const contactExternalId = (await read('contact_external_id')) ?? request.contactExternalId;
    const type = await read('contact_external_type');
    const url = await read('contact_external_url');
    return {
      message: (await read('message')) ?? `${spec.display}: done`,
      externalId:
        (await read('external_id')) ?? (id === undefined || id === null ? undefined : String(id)),
      ...(contactExternalId !== undefined && { contactExternalId }),
      ...(type !== undefined && { contactExternalType: type }),
      ...(url !== undefined && { contactExternalUrl: url }),
    };
  }

  /** The statement, in a transaction; a value the database refuses is the caller's mistake (400). */
  private async write(
    action: CompiledAction,
    values: Record<string, unknown>,
    scope: Record<string, unknown>,
    tenant: unknown,
  ): Promise<unknown> {
    const { spec } = action;
    try {
      return await this.client.transaction(async (session) => {
        if (spec.insert) {
          const insert = this.client.builder.insertInto(spec.insert.table).values(values);
          if (this.client.dialect === 'mysql') {
            return (await session.write(insert.compile())).insertId;
          }
          const returning = insert.returning(sql.ref(spec.insert.returning).as('id'));
          return (await session.write(returning.compile())).rows[0]?.[0];
        }
        const update = spec.update!;
        const key = bindable(await evaluate(action.key!, scope, scope));
        if (key === null) throw new ActionRejectedError('The record to update is not named');
        let statement = this.client.builder
          .updateTable(update.table)
          .set(values)
          .where(sql.ref(update.key.column), '=', key);
        if (update.tenant_column)
          statement = statement.where(sql.ref(update.tenant_column), '=', tenant);
        const { affected } = await session.write(statement.compile());
        if (affected === 0) throw new ActionRejectedError('The record to update was not found');
        return key;
      });
    } catch (error) {
      const refused = refusedValue(error);
      if (refused) throw new ActionRejectedError(`The database refused the values (${refused})`);
      throw error;
    }
  }
}

/** PostgreSQL classes 22 (data) and 23 (integrity); MySQL/MariaDB and SQLite's equivalents. */
const MYSQL_REFUSED = new Set([1048, 1062, 1264, 1292, 1366, 1406, 1451, 1452]);

function refusedValue(error: unknown): string | undefined {
  const e = error as { code?: unknown; errno?: unknown; severity?: unknown; sqlState?: unknown };
  const code = typeof e?.code === 'string' ? e.code : '';
  if (typeof e?.severity === 'string' && /^2[23][0-9A-Z]{3}$/.test(code)) return code;
  if (
    typeof e?.errno === 'number' &&
    typeof e.sqlState === 'string' &&
    MYSQL_REFUSED.has(e.errno)
  ) {
    return code || `errno ${e.errno}`;
  }
  if (/^SQLITE_(CONSTRAINT|MISMATCH)/.test(code)) return code;
  return undefined;
}
