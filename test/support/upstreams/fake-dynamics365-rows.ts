import { randomUUID } from 'node:crypto';
import { ServerResponse } from 'node:http';
import { FakeRequest, json } from './fake-http';
import {
  accountName,
  DataverseOrg,
  dvDateTime,
  ENTITY_SETS,
  EntitySet,
  Row,
} from './fake-dynamics365-data';
import { ODataError } from './fake-dynamics365-odata';

/**
 * Rows of the Dataverse stand-in (fake-dynamics365.ts) as the Web API writes and creates them:
 * FormattedValue annotations ("Formatted values"), `Prefer` preferences, and creates.
 */

const FORMATTED = '@OData.Community.Display.V1.FormattedValue';

/** A row as the Web API writes it, with FormattedValue annotations when the caller asked. */
export function rowJson(
  org: DataverseOrg,
  entity: EntitySet,
  row: Row,
  columns: string[],
  formatted: boolean,
) {
  const out: Record<string, unknown> = {
    '@odata.etag': `W/"${Date.parse(String(row.modifiedon ?? 0)) / 1000}"`,
  };
  for (const c of columns) {
    const v = row[c] ?? null;
    out[c] = v;
    if (!formatted || v === null) continue;
    const label = entity.choices[c]?.[String(v)];
    if (label) out[`${c}${FORMATTED}`] = label;
    if (c === 'directioncode') out[`${c}${FORMATTED}`] = v ? 'Outgoing' : 'Incoming';
    if (c.startsWith('_') && c.endsWith('_value')) {
      const name = lookupName(org, String(v));
      if (name) {
        out[`${c}${FORMATTED}`] = name.label;
        out[`${c}@Microsoft.Dynamics.CRM.lookuplogicalname`] = name.logical;
      }
    }
  }
  return out;
}

export function lookupName(
  org: DataverseOrg,
  id: string,
): { label: string; logical: string } | undefined {
  const contact = org.tables.get('contacts')!.get(id);
  if (contact) return { label: String(contact.fullname), logical: 'contact' };
  const user = org.tables.get('systemusers')!.get(id);
  if (user) return { label: String(user.fullname), logical: 'systemuser' };
  const account = accountName(org, id);
  return account ? { label: account, logical: 'account' } : undefined;
}

export function prefers(req: FakeRequest): {
  maxPageSize?: number;
  formatted: boolean;
  representation: boolean;
} {
  const prefer = String(req.headers.prefer ?? '');
  const size = /odata\.maxpagesize=(\d+)/.exec(prefer);
  return {
    maxPageSize: size ? Number(size[1]) : undefined,
    formatted:
      /odata\.include-annotations="?(\*|OData\.Community\.Display\.V1\.FormattedValue)/.test(
        prefer,
      ),
    representation: /return=representation/.test(prefer),
  };
}

/**
 * "Create a table row using the Web API": 204 with the new row's URL in `OData-EntityId`, or
 * 201 with the row under `Prefer: return=representation`. Values must have their column's
 * Edm type (0x80048d19 otherwise); a lookup is set through `<navigation>@odata.bind`.
 */
export function createRow(
  org: DataverseOrg,
  entity: EntitySet,
  base: string,
  req: FakeRequest,
  res: ServerResponse,
) {
  const body = req.body;
  if (!body || typeof body !== 'object' || Array.isArray(body))
    throw new ODataError(400, '0x80048d19', 'The request body is not a JSON object.');
  const row: Row = {};
  const typeError = (v: unknown, edm: string) =>
    new ODataError(
      400,
      '0x80048d19',
      `Error identified in Payload provided by the user for Entity :'${entity.set}', For more information on this error please follow this help link https://go.microsoft.com/fwlink/?linkid=2195293  ---->  InnerException : Microsoft.OData.ODataException: Cannot convert the literal '${String(v)}' to the expected type 'Edm.${edm}'.`,
    );
  for (const [k, v] of Object.entries(body as Record<string, unknown>)) {
    const bind = /^(\w+)@odata\.bind$/.exec(k);
    if (bind) {
      const nav = entity.binds[bind[1]];
      if (!nav)
        throw new ODataError(
          400,
          '0x80060888',
          `An undeclared property '${bind[1]}' which only has property annotations in the payload but no property value was found in the payload.`,
        );
      const target = new RegExp(`(?:^|/)${nav.target}\\(([0-9a-fA-F-]{36})\\)$`).exec(String(v));
      if (!target)
        throw new ODataError(
          400,
          '0x80060888',
          `Bad Request - Error in query syntax: '${String(v)}'.`,
        );
      if (!org.tables.get(nav.target)!.has(target[1].toLowerCase())) {
        throw new ODataError(
          404,
          '0x80040217',
          `${ENTITY_SETS[nav.target].logical} With Id = ${target[1]} Does Not Exist`,
        );
      }
      row[nav.column] = target[1].toLowerCase();
      continue;
    }
    const edm = entity.columns[k];
    if (!edm || k.startsWith('_') || k === entity.key || k === 'createdon' || k === 'modifiedon') {
      throw new ODataError(
        400,
        '0x80060888',
        `The property '${k}' does not exist on type 'Microsoft.Dynamics.CRM.${entity.logical}'. Make sure to only use property names that are defined by the type.`,
      );
    }
    if (v !== null) {
      const ok = {
        String: typeof v === 'string',
        Int32: Number.isInteger(v),
        Boolean: typeof v === 'boolean',
        DateTimeOffset: typeof v === 'string' && !Number.isNaN(Date.parse(v)),
        Guid: typeof v === 'string',
      }[edm];
      if (!ok) throw typeError(v, edm);
      if (entity.choices[k] && !(String(v) in entity.choices[k])) {
        throw new ODataError(400, '0x8004431a', `${String(v)} is not a valid value for ${k}.`);
      }
    }
    row[k] = v as Row[string];
  }
  const now = dvDateTime(Date.now());
  const id = randomUUID();
  const created: Row = {
    ...Object.fromEntries(Object.keys(entity.columns).map((c) => [c, null])),
    statecode: 0,
    ...row,
    [entity.key]: id,
    _ownerid_value: org.callerId,
    createdon: now,
    modifiedon: now,
  };
  org.tables.get(entity.set)!.set(id, created);
  const prefer = prefers(req);
  if (prefer.representation) {
    return json(
      res,
      201,
      {
        '@odata.context': `${base}/$metadata#${entity.set}/$entity`,
        ...rowJson(org, entity, created, Object.keys(entity.columns), prefer.formatted),
      },
      { 'Preference-Applied': 'return=representation' },
    );
  }
  res.writeHead(204, { 'OData-EntityId': `${base}/${entity.set}(${id})` }).end();
}
