import {
  DEFAULT_PROPERTIES,
  HubSpotObject,
  HubSpotObjectType,
  modifiedProperty,
} from './fake-hubspot-data';

/**
 * HubSpot's CRM search (`POST /crm/v3/objects/{type}/search`) as the stand-in evaluates it, from
 * the CRM search guide (developers.hubspot.com/docs/guides/api/crm/search) and the
 * `PublicObjectSearchRequest` / `Filter` schemas of the CRM v3 OpenAPI specs.
 */

export interface SearchFilter {
  propertyName: string;
  operator: string;
  value?: string;
  highValue?: string;
  values?: string[];
}

export interface SearchRequest {
  filterGroups: { filters: SearchFilter[] }[];
  sorts: { propertyName: string; direction: 'ASCENDING' | 'DESCENDING' }[];
  query?: string;
  properties: string[];
  limit: number;
  /** "Paging through results": `after` is the offset of the next result, as a string. */
  after: number;
}

/** Date properties: filter values are epoch milliseconds or ISO 8601 ("Filter search results"). */
const DATE_PROPERTIES = new Set([
  'createdate',
  'hs_createdate',
  'lastmodifieddate',
  'hs_lastmodifieddate',
  'hs_timestamp',
]);
const NUMBER_PROPERTIES = new Set(['hs_object_id', 'hs_call_duration', 'hubspot_owner_id']);

/** "Search for default searchable properties": what `query` looks in, for contacts. */
const QUERY_PROPERTIES: Record<HubSpotObjectType, string[]> = {
  contacts: [
    'firstname',
    'lastname',
    'email',
    'hs_additional_emails',
    'phone',
    'mobilephone',
    'company',
  ],
  tickets: ['subject', 'content'],
  notes: ['hs_note_body'],
  calls: ['hs_call_title', 'hs_call_body'],
  tasks: ['hs_task_subject', 'hs_task_body'],
};

/** Operators of the `Filter` schema's enum. */
const OPERATORS = new Set([
  'BETWEEN',
  'CONTAINS_TOKEN',
  'EQ',
  'GT',
  'GTE',
  'HAS_PROPERTY',
  'IN',
  'LT',
  'LTE',
  'NEQ',
  'NOT_CONTAINS_TOKEN',
  'NOT_HAS_PROPERTY',
  'NOT_IN',
]);

export class SearchError extends Error {}

/**
 * Reads a request body into a search, or says what HubSpot refuses: "Limitations" — at most five
 * filterGroups with up to six filters each and 18 filters in all, a body of at most 3,000
 * characters, one sorting rule ("Sort search results"), at most 200 results a page.
 */
export function readSearch(body: unknown, rawLength: number): SearchRequest {
  if (rawLength > 3000) throw new SearchError('The request body exceeds 3000 characters.');
  const b = (body ?? {}) as Record<string, unknown>;
  const groups = Array.isArray(b.filterGroups)
    ? (b.filterGroups as SearchRequest['filterGroups'])
    : [];
  if (groups.length > 5) throw new SearchError('The maximum number of filterGroups is 5.');
  let total = 0;
  for (const group of groups) {
    const filters = Array.isArray(group?.filters) ? group.filters : [];
    if (filters.length > 6) throw new SearchError('The maximum number of filters in a group is 6.');
    total += filters.length;
    for (const f of filters) {
      if (typeof f?.propertyName !== 'string' || !OPERATORS.has(f?.operator)) {
        throw new SearchError(`Invalid filter: ${JSON.stringify(f)}`);
      }
    }
  }
  if (total > 18) throw new SearchError('The maximum number of filters is 18.');
  const sorts = Array.isArray(b.sorts) ? (b.sorts as SearchRequest['sorts']) : [];
  if (sorts.length > 1) throw new SearchError('Only one sort is supported.');
  const limit = b.limit === undefined ? 10 : Number(b.limit);
  if (!Number.isInteger(limit) || limit < 1 || limit > 200) {
    throw new SearchError('limit must be between 1 and 200.');
  }
  const after = b.after === undefined || b.after === null || b.after === '' ? 0 : Number(b.after);
  if (!Number.isInteger(after) || after < 0) throw new SearchError('after must be an integer.');
  return {
    filterGroups: groups,
    sorts,
    query: typeof b.query === 'string' ? b.query : undefined,
    properties: Array.isArray(b.properties) ? (b.properties as string[]) : [],
    limit,
    after,
  };
}

/** A property's value as the search compares it: numbers for dates and numbers, else lower case. */
function comparable(name: string, value: string | null | undefined): number | string | null {
  if (value === null || value === undefined || value === '') return null;
  if (DATE_PROPERTIES.has(name)) return /^\d+$/.test(value) ? Number(value) : Date.parse(value);
  if (NUMBER_PROPERTIES.has(name)) return Number(value);
  return value.toLowerCase();
}

function valueOf(o: HubSpotObject, name: string): string | null {
  // "Search through associations": `associations.contact` matches the associated contacts' ids.
  if (name === 'associations.contact') return null;
  return o.properties[name] ?? null;
}

/** `CONTAINS_TOKEN`: a whole token of the value, `*` as a wildcard ("Filter search results"). */
function containsToken(value: string, token: string): boolean {
  const pattern = new RegExp(
    `^${token
      .toLowerCase()
      .replace(/[.+?^${}()|[\]\\]/g, '\\$&')
      .replace(/\*/g, '.*')}$`,
  );
  return value
    .toLowerCase()
    .split(/[\s;,]+/)
    .some((t) => pattern.test(t));
}

function matches(o: HubSpotObject, f: SearchFilter): boolean {
  if (f.propertyName === 'associations.contact') {
    const ids = o.contactIds;
    if (f.operator === 'EQ') return ids.includes(String(f.value));
    if (f.operator === 'IN') return (f.values ?? []).some((v) => ids.includes(String(v)));
    throw new SearchError(`Operator ${f.operator} is not supported on associations.contact.`);
  }
  const raw = valueOf(o, f.propertyName);
  const v = comparable(f.propertyName, raw);
  const c = (x: string | undefined) => comparable(f.propertyName, x);
  switch (f.operator) {
    case 'HAS_PROPERTY':
      return v !== null;
    case 'NOT_HAS_PROPERTY':
      return v === null;
    case 'EQ':
      return v !== null && v === c(f.value);
    case 'NEQ':
      return v !== c(f.value);
    case 'IN':
      return v !== null && (f.values ?? []).some((x) => c(x) === v);
    case 'NOT_IN':
      return !(f.values ?? []).some((x) => c(x) === v);
    case 'CONTAINS_TOKEN':
      return raw !== null && containsToken(raw, String(f.value ?? ''));
    case 'NOT_CONTAINS_TOKEN':
      return raw === null || !containsToken(raw, String(f.value ?? ''));
  }
  const low = c(f.value);
  if (v === null || low === null) return false;
  switch (f.operator) {
    case 'GT':
      return v > low;
    case 'GTE':
      return v >= low;
    case 'LT':
      return v < low;
    case 'LTE':
      return v <= low;
    case 'BETWEEN': {
      const high = c(f.highValue);
      return high !== null && v >= low && v <= high;
    }
  }
  return false;
}

/** "Filter search results": filters in a group are ANDed, groups are ORed. */
export function runSearch(
  type: HubSpotObjectType,
  all: Iterable<HubSpotObject>,
  search: SearchRequest,
): HubSpotObject[] {
  const query = search.query?.trim().toLowerCase();
  const found = [...all].filter(
    (o) =>
      !o.archived &&
      (search.filterGroups.length === 0 ||
        search.filterGroups.some((g) => (g.filters ?? []).every((f) => matches(o, f)))) &&
      (!query ||
        QUERY_PROPERTIES[type].some((p) => (o.properties[p] ?? '').toLowerCase().includes(query))),
  );
  const sort = search.sorts[0];
  // Without a sort, results come in the order objects were created; equal sort values keep the
  // id order (the stand-in's choice: HubSpot documents no tie order).
  const byId = (a: HubSpotObject, b: HubSpotObject) => Number(a.id) - Number(b.id);
  if (!sort) return found.sort(byId);
  const sign = sort.direction === 'DESCENDING' ? -1 : 1;
  const key = (o: HubSpotObject) => comparable(sort.propertyName, valueOf(o, sort.propertyName));
  return found.sort((a, b) => {
    const x = key(a);
    const y = key(b);
    if (x === y) return byId(a, b);
    if (x === null) return 1;
    if (y === null) return -1;
    return (x < y ? -1 : 1) * sign;
  });
}

/**
 * An object as `SimplePublicObject`: the properties asked for, or the defaults. An unset property
 * is answered `null`, as HubSpot does (the specs type property values as strings only).
 */
export function objectJson(
  o: HubSpotObject,
  properties: string[],
  associations: Record<string, unknown> | undefined = undefined,
) {
  const names = properties.length
    ? [...new Set([...properties, 'hs_object_id', modifiedProperty(o.type)])]
    : DEFAULT_PROPERTIES[o.type];
  return {
    id: o.id,
    properties: Object.fromEntries(names.map((n) => [n, o.properties[n] ?? null])),
    createdAt: new Date(o.createdAt).toISOString(),
    updatedAt: new Date(o.updatedAt).toISOString(),
    archived: o.archived,
    ...(associations && { associations }),
  };
}
