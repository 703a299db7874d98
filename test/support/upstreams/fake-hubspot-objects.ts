import { randomUUID } from 'node:crypto';
import { ServerResponse } from 'node:http';
import { FakeRequest, json } from './fake-http';
import {
  HUBSPOT_CONTACT_ASSOCIATION_TYPE,
  HUBSPOT_OBJECT_TYPES,
  HubSpotObject,
  HubSpotObjectType,
  HubSpotPortal,
  READ_ONLY,
  stampProperties,
} from './fake-hubspot-data';
import { objectJson, readSearch, runSearch, SearchError } from './fake-hubspot-search';

/**
 * The CRM object endpoints of the HubSpot stand-in (fake-hubspot.ts), from the CRM v3 OpenAPI
 * specs (Contacts, Tickets, Notes, Calls, Tasks: "Basic", "Search", "Batch") and Associations v4.
 */

/** The `Error` schema of the CRM v3 specs. */
export function hubspotError(
  res: ServerResponse,
  status: number,
  category: string,
  message: string,
  extra = {},
) {
  json(res, status, {
    status: 'error',
    message,
    correlationId: randomUUID(),
    category,
    ...extra,
  });
}

/** Scopes ("Scopes" reference): a token without the one an endpoint needs gets 403. */
export function missingScope(portal: HubSpotPortal, scope: string, res: ServerResponse): boolean {
  if (portal.scopes.includes(scope)) return false;
  hubspotError(
    res,
    403,
    'MISSING_SCOPES',
    "This app hasn't been granted all required scopes to make this call. Read more about required scopes here: https://developers.hubspot.com/scopes.",
    {
      errors: [
        {
          message: 'One or more of the following scopes are required.',
          context: { requiredGranularScopes: [scope] },
        },
      ],
    },
  );
  return true;
}

export const readScope = (type: HubSpotObjectType) =>
  type === 'tickets' ? 'tickets' : 'crm.objects.contacts.read';

// ------------------------------------------------------------------ endpoints

/**
 * Contacts v3 "Retrieve contacts" (`GET /crm/v3/objects/contacts`): `limit` (default 10, at
 * most 100), `after` cursor from `paging.next.after`, in id order, no cap on the total.
 */
export function listObjects(
  portal: HubSpotPortal,
  type: HubSpotObjectType,
  req: FakeRequest,
  res: ServerResponse,
) {
  if (missingScope(portal, readScope(type), res)) return;
  const q = req.url.searchParams;
  const limit = Number(q.get('limit') ?? 10);
  if (!Number.isInteger(limit) || limit < 1 || limit > 100) {
    return hubspotError(res, 400, 'VALIDATION_ERROR', 'limit must be between 1 and 100');
  }
  const archived = q.get('archived') === 'true';
  const properties = listParam(q, 'properties');
  const start = decodeAfter(q.get('after'));
  const rest = [...portal.objects.get(type)!.values()]
    .filter((o) => o.archived === archived && Number(o.id) > start)
    .sort((a, b) => Number(a.id) - Number(b.id));
  const page = rest.slice(0, limit);
  json(res, 200, {
    results: page.map((o) => objectJson(o, properties)),
    ...(rest.length > limit && { paging: nextPage(req, page[page.length - 1].id) }),
  });
}

/** `GET /crm/v3/objects/{type}/{id}`: `properties`, `associations` (ids per associated type). */
export function readObject(
  portal: HubSpotPortal,
  type: HubSpotObjectType,
  id: string,
  req: FakeRequest,
  res: ServerResponse,
) {
  if (missingScope(portal, readScope(type), res)) return;
  const o = portal.objects.get(type)!.get(id);
  if (!o || o.archived) {
    return hubspotError(
      res,
      404,
      'OBJECT_NOT_FOUND',
      'Object not found.  objectId are usually numeric.',
      {
        context: { id: [id] },
      },
    );
  }
  const q = req.url.searchParams;
  const wanted = listParam(q, 'associations');
  const associations = wanted.length
    ? Object.fromEntries(
        wanted
          .filter((t) => HUBSPOT_OBJECT_TYPES.includes(t as HubSpotObjectType))
          .map((t) => [
            t,
            {
              results: associated(portal, o, t as HubSpotObjectType).map((a) => ({
                id: a.id,
                type: `contact_to_${t.replace(/s$/, '')}`,
              })),
            },
          ]),
      )
    : undefined;
  json(res, 200, objectJson(o, listParam(q, 'properties'), associations));
}

function associated(portal: HubSpotPortal, contact: HubSpotObject, type: HubSpotObjectType) {
  return contact.contactIds
    .map((id) => portal.objects.get(type)!.get(id))
    .filter((x): x is HubSpotObject => !!x && !x.archived);
}

/** Associations v4 `GET /crm/v4/objects/contacts/{id}/associations/{toObjectType}`. */
export function associationsV4(
  portal: HubSpotPortal,
  id: string,
  to: string,
  req: FakeRequest,
  res: ServerResponse,
) {
  const contact = portal.objects.get('contacts')!.get(id);
  if (!contact || !HUBSPOT_OBJECT_TYPES.includes(to as HubSpotObjectType) || to === 'contacts') {
    return hubspotError(res, 404, 'OBJECT_NOT_FOUND', `No ${to} associations for ${id}`);
  }
  const type = to as Exclude<HubSpotObjectType, 'contacts'>;
  const limit = Math.min(500, Number(req.url.searchParams.get('limit') ?? 500));
  const all = associated(portal, contact, type);
  json(res, 200, {
    results: all.slice(0, limit).map((o) => ({
      toObjectId: o.id,
      associationTypes: [
        {
          category: 'HUBSPOT_DEFINED',
          typeId: HUBSPOT_CONTACT_ASSOCIATION_TYPE[type],
        },
      ],
    })),
  });
}

/**
 * CRM search: `filterGroups`, one sort, `query`, `limit` up to 200, `after` an offset; past
 * 10,000 results in one query HubSpot answers 400 ("Attempting to page beyond 10,000 will
 * result in a 400 error").
 */
export function searchObjects(
  portal: HubSpotPortal,
  type: HubSpotObjectType,
  req: FakeRequest,
  res: ServerResponse,
  cap: number,
  onCapped: () => void = () => undefined,
) {
  if (missingScope(portal, readScope(type), res)) return;
  try {
    const search = readSearch(req.body, req.rawBody.length);
    // CRM search guide, "Limitations": "The search endpoints are limited to 10,000 total results
    // for any given query. Attempting to page beyond 10,000 will result in a 400 error." The
    // guide gives the status, not the body: the body is the specs' `Error` schema, the category
    // HubSpot answers for invalid search requests, and the guide's sentence as its message.
    if (search.after + search.limit > cap) {
      onCapped();
      return hubspotError(
        res,
        400,
        'VALIDATION_ERROR',
        `The search endpoints are limited to ${cap} total results for any given query. Attempting to page beyond ${cap} will result in a 400 error.`,
      );
    }
    const found = runSearch(type, portal.objects.get(type)!.values(), search);
    const page = found.slice(search.after, search.after + search.limit);
    const next = search.after + page.length;
    json(res, 200, {
      total: found.length,
      results: page.map((o) => objectJson(o, search.properties)),
      ...(next < found.length && { paging: { next: { after: String(next), link: '' } } }),
    });
  } catch (error) {
    if (!(error instanceof SearchError)) throw error;
    hubspotError(res, 400, 'VALIDATION_ERROR', error.message);
  }
}

/** `POST /crm/v3/objects/{type}/batch/read`: up to 100 `inputs` by id. */
export function batchReadObjects(
  portal: HubSpotPortal,
  type: HubSpotObjectType,
  req: FakeRequest,
  res: ServerResponse,
) {
  if (missingScope(portal, readScope(type), res)) return;
  const inputs: { id?: unknown }[] = Array.isArray(req.body?.inputs) ? req.body.inputs : [];
  if (inputs.length > 100)
    return hubspotError(res, 400, 'VALIDATION_ERROR', 'inputs is limited to 100');
  const properties: string[] = Array.isArray(req.body?.properties) ? req.body.properties : [];
  const found = inputs
    .map((i) => portal.objects.get(type)!.get(String(i.id)))
    .filter((o): o is HubSpotObject => !!o && !o.archived);
  const now = new Date().toISOString();
  json(res, 200, {
    status: 'COMPLETE',
    results: found.map((o) => objectJson(o, properties)),
    startedAt: now,
    completedAt: now,
  });
}

/**
 * `POST /crm/v3/objects/{type}` (`SimplePublicObjectInputForCreate`): notes, calls and tasks
 * need `hs_timestamp`, tickets `subject` and `hs_pipeline_stage`; associations name a contact
 * and a HUBSPOT_DEFINED type id. Answers 201 with the object.
 */
export function createObject(
  portal: HubSpotPortal,
  type: HubSpotObjectType,
  req: FakeRequest,
  res: ServerResponse,
  nextId: () => string,
) {
  if (missingScope(portal, 'crm.objects.contacts.write', res)) return;
  const props = req.body?.properties;
  if (!props || typeof props !== 'object') {
    return hubspotError(res, 400, 'VALIDATION_ERROR', 'Invalid input JSON: properties is required');
  }
  const bad = Object.entries(props).find(
    ([, v]) =>
      v !== null && typeof v !== 'string' && typeof v !== 'number' && typeof v !== 'boolean',
  );
  if (bad)
    return hubspotError(res, 400, 'VALIDATION_ERROR', `Property values must be strings: ${bad[0]}`);
  const required =
    type === 'tickets'
      ? ['subject', 'hs_pipeline_stage']
      : type === 'contacts'
        ? []
        : ['hs_timestamp'];
  const missing = required.filter(
    (r) => props[r] === undefined || props[r] === null || props[r] === '',
  );
  if (missing.length) {
    return hubspotError(
      res,
      400,
      'VALIDATION_ERROR',
      `Property values were not valid: ${missing.map((m) => `"${m}" is required`).join(', ')}`,
    );
  }
  const contactIds: string[] = [];
  for (const a of Array.isArray(req.body?.associations) ? req.body.associations : []) {
    const to = String(a?.to?.id ?? '');
    const typeId = a?.types?.[0]?.associationTypeId;
    if (
      type === 'contacts' ||
      typeId !== HUBSPOT_CONTACT_ASSOCIATION_TYPE[type] ||
      !portal.objects.get('contacts')!.has(to)
    ) {
      return hubspotError(
        res,
        400,
        'VALIDATION_ERROR',
        `Invalid association to ${to} with type ${String(typeId)}`,
      );
    }
    contactIds.push(to);
  }
  const now = Date.now();
  const o: HubSpotObject = {
    id: nextId(),
    type,
    properties: Object.fromEntries(
      Object.entries(props as Record<string, unknown>)
        .filter(([k]) => !READ_ONLY.has(k))
        .map(([k, v]) => [k, v === null ? null : String(v)]),
    ),
    createdAt: now,
    updatedAt: now,
    archived: false,
    contactIds,
  };
  stampProperties(o);
  portal.objects.get(type)!.set(o.id, o);
  for (const id of contactIds) portal.objects.get('contacts')!.get(id)!.contactIds.push(o.id);
  json(res, 201, objectJson(o, Object.keys(o.properties)));
}
/** `after` cursors of list endpoints: opaque to clients; here the base64 of the last id. */
export function decodeAfter(after: string | null): number {
  if (!after) return 0;
  const n = Number(Buffer.from(after, 'base64url').toString('utf8'));
  return Number.isFinite(n) ? n : 0;
}

/** `ForwardPaging`: `next.after` and `next.link` (the same query with the new cursor). */
export function nextPage(req: FakeRequest, lastId: string) {
  const after = Buffer.from(lastId).toString('base64url');
  const link = new URL(req.url.toString());
  link.searchParams.set('after', after);
  return { next: { after, link: `${link.pathname}${link.search}` } };
}

/** `properties=a,b` or `properties=a&properties=b` (form style, explode). */
function listParam(q: URLSearchParams, name: string): string[] {
  return q
    .getAll(name)
    .flatMap((v) => v.split(','))
    .map((v) => v.trim())
    .filter(Boolean);
}
