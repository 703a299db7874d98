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
import type { SqlClient, SqlSession } from './sql-client';
import { phoneLookupKey } from '../../../talkdesk/contract/phone';

type ResponseKey = keyof SqlActionSpec['response'];

interface CompiledInsert {
  spec: SqlActionSpec['then_insert'][number];
  columns: [string, CompiledValue][];
}

interface CompiledAction {
  spec: SqlActionSpec;
  columns: [string, CompiledValue][];
  key?: CompiledValue;
  then: CompiledInsert[];
  patterns: Map<string, RegExp>;
  response: Partial<Record<ResponseKey, CompiledValue>>;
}

/** What the actions look up besides their own statements. */
export interface ActionsContext {
  /** The key of the account's contact an action names (column → value), if it has one. */
  contactKey(tenant: unknown, id: string): Promise<Record<string, unknown> | undefined>;
  /** Whether the account has the agent (none: the manifest lists no agents). */
  agentExists?(tenant: unknown, id: string): Promise<boolean>;
  /** The region of numbers written without a country code (`$phone_key`). */
  region: string;
}

/** An input as trimmed text; undefined when blank, null or not given. */
function inputText(value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  const t = (typeof value === 'string' ? value : JSON.stringify(value)).trim();
  return t === '' ? undefined : t;
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

  private readonly phoneKey: (raw: unknown) => string | undefined;

  constructor(
    private readonly client: SqlClient,
    specs: SqlActionSpec[],
    private readonly ctx: ValueCompileContext,
    private readonly lookups: ActionsContext,
  ) {
    this.phoneKey = (raw) =>
      typeof raw === 'string' || typeof raw === 'number'
        ? phoneLookupKey(String(raw), lookups.region)
        : undefined;
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
        then: spec.then_insert.map((then, n) => ({
          spec: then,
          columns: Object.entries(then.values).map(([column, v]) => [
            column,
            compileValue(ctx, `${where}.then_insert[${n}].values.${column}`, v),
          ]),
        })),
        patterns: new Map(
          spec.inputs
            .filter((input) => input.pattern !== undefined)
            .map((input) => [input.key, new RegExp(input.pattern!, 'u')]),
        ),
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
      throw new ActionRejectedError(
        `${name} needs meta.contact_external_id: the contact it is for`,
      );
    }
    if (spec.requires.includes('agent_external_id') && !request.agentExternalId) {
      throw new ActionRejectedError(`${name} needs meta.agent_external_id: the agent running it`);
    }
    const data = this.inputs(action, request.data);
    // An action never writes about a contact of another account, nor one that does not exist.
    const contactId = request.contactExternalId;
    const key = contactId ? await this.lookups.contactKey(tenant, contactId) : undefined;
    if (contactId && !key) {
      throw new ActionRejectedError(`Contact ${JSON.stringify(contactId)} was not found`);
    }
    let agentId = request.agentExternalId;
    if (spec.known_agent && agentId !== undefined) {
      const known = (await this.lookups.agentExists?.(tenant, agentId)) ?? false;
      if (!known) agentId = undefined;
    }
    const scope = {
      data,
      contact: { id: contactId, key },
      agent: { id: agentId },
      account: { tenant },
      ...this.ctx.scope,
      phone_key: this.phoneKey,
    };
    const ms = Date.now();
    const target = spec.insert ?? spec.update!;
    const values = await this.values(action.columns, target, scope, tenant, ms);

    const id = await this.write(action, values, scope, tenant, ms);
    const answer = { ...scope, id };
    const read = async (key: ResponseKey) => {
      const v = action.response[key];
      return v ? (text(await evaluate(v, answer, answer)) ?? undefined) : undefined;
    };
    // A declared answer is what it gives, none included; else the row's id and the request's contact.
    const declared = async (key: ResponseKey, otherwise: string | undefined) =>
      action.response[key] ? await read(key) : otherwise;
    const externalId = await declared(
      'external_id',
      id === undefined || id === null ? undefined : String(id),
    );
    const contactExternalId = await declared('contact_external_id', request.contactExternalId);
    const type = await read('contact_external_type');
    const url = await read('contact_external_url');
    return {
      message: (await read('message')) ?? `${spec.display}: done`,
      ...(externalId !== undefined && { externalId }),
      ...(contactExternalId !== undefined && { contactExternalId }),
      ...(type !== undefined && { contactExternalType: type }),
      ...(url !== undefined && { contactExternalUrl: url }),
    };
  }

  /**
   * `data` as the action's values read it: text inputs trimmed, blank ones left out; an input
   * not matching its pattern refuses the action.
   */
  private inputs(action: CompiledAction, given: Record<string, unknown>): Record<string, unknown> {
    const data: Record<string, unknown> = { ...given };
    for (const input of action.spec.inputs) {
      const asText = inputText(data[input.key]);
      if (input.type === 'text') {
        if (asText === undefined) delete data[input.key];
        else data[input.key] = asText;
      }
      const pattern = action.patterns.get(input.key);
      if (pattern && asText !== undefined && !pattern.test(asText)) {
        throw new ActionRejectedError(
          input.message ?? `data.${input.key} does not have the form ${input.name} needs`,
        );
      }
    }
    return data;
  }

  /** The columns of one statement: its values, its current times and its tenant. */
  private async values(
    columns: [string, CompiledValue][],
    target: { now: Record<string, string>; tenant_column?: string },
    scope: Record<string, unknown>,
    tenant: unknown,
    ms: number,
  ): Promise<Record<string, unknown>> {
    const values: Record<string, unknown> = {};
    for (const [column, v] of columns) values[column] = bindable(await evaluate(v, scope, scope));
    for (const [column, form] of Object.entries(target.now)) values[column] = formatDate(ms, form);
    if (target.tenant_column) values[target.tenant_column] = tenant;
    return values;
  }

  /** The rows written after the action's statement, in its transaction, with its id. */
  private async thenInsert(
    session: SqlSession,
    action: CompiledAction,
    scope: Record<string, unknown>,
    tenant: unknown,
    ms: number,
    id: unknown,
  ): Promise<void> {
    const withId = { ...scope, id };
    for (const then of action.then) {
      const values = await this.values(then.columns, then.spec, withId, tenant, ms);
      if (then.spec.unless_null.some((column) => values[column] === null)) continue;
      await session.write(this.client.builder.insertInto(then.spec.table).values(values).compile());
    }
  }

  /** The statement, in a transaction; a value the database refuses is the caller's mistake (400). */
  private async write(
    action: CompiledAction,
    values: Record<string, unknown>,
    scope: Record<string, unknown>,
    tenant: unknown,
    ms: number,
  ): Promise<unknown> {
    try {
      return await this.client.transaction(async (session) => {
        const id = await this.statement(session, action, values, scope, tenant);
        await this.thenInsert(session, action, scope, tenant, ms, id);
        return id;
      });
    } catch (error) {
      const refused = refusedValue(error);
      if (refused) throw new ActionRejectedError(`The database refused the values (${refused})`);
      throw error;
    }
  }

  /** The action's INSERT (answering the new id) or UPDATE (answering its key). */
  private async statement(
    session: SqlSession,
    action: CompiledAction,
    values: Record<string, unknown>,
    scope: Record<string, unknown>,
    tenant: unknown,
  ): Promise<unknown> {
    const { spec } = action;
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
