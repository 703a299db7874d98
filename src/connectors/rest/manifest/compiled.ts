import type { PhoneForm } from '../../lookup/phone-forms';
import type { AuthenticationField } from '../../ports';
import { Expression } from './expression';
import { HttpMethod, PaginatorType } from './manifest.types';
import { JsonPath } from './paths';
import { Template } from './template';
import { HostPattern } from './host-patterns';

/** A manifest turned into ready-to-run parts: templates parsed, paths split, expressions compiled. */

export type ValueSource =
  | { kind: 'path'; path: JsonPath }
  | { kind: 'template'; template: Template }
  | { kind: 'expression'; expression: Expression }
  | { kind: 'value'; value: unknown };

export interface CompiledValue {
  /** Where it is in the manifest (for messages). */
  where: string;
  source: ValueSource;
  /** Translation table, keys in lower case. */
  map?: ReadonlyMap<string, unknown>;
  mapDefault?: { value: unknown };
  fallback?: { value: unknown };
  format?: string;
}

export type CompiledBody =
  | { kind: 'template'; template: Template }
  | { kind: 'array'; items: CompiledBody[] }
  | { kind: 'object'; entries: [string, CompiledBody][] }
  | { kind: 'literal'; value: unknown };

export interface CompiledRequest {
  where: string;
  method: HttpMethod;
  path?: Template;
  url?: Template;
  query: [string, Template][];
  headers: [string, Template][];
  body?: CompiledBody;
  bodyExpression?: Expression;
  bodyFormat: 'json' | 'form';
  idempotent: boolean;
  /** The endpoint's own pacing (`request.pacing`), besides the manifest's. */
  pacing?: { requests: number; intervalMs: number; key?: string };
}

export interface CompiledPaginator {
  type: PaginatorType;
  pageSize?: number;
  pageSizeParam?: string;
  paramIn: 'query' | 'body';
  pageParam: string;
  startPage: number;
  offsetParam: string;
  startOffset: number;
  cursorParam: string;
  cursorPath?: JsonPath;
  cursorHeader?: string;
  nextUrlPath?: JsonPath;
  rel: string;
  hasMorePath?: JsonPath;
  lastPagePath?: JsonPath;
  totalRecordsPath?: JsonPath;
  totalPagesPath?: JsonPath;
  stopOnShortPage: boolean;
}

export interface CompiledStream {
  where: string;
  request: CompiledRequest;
  selector: JsonPath;
  paginator: CompiledPaginator;
  fields: Record<string, CompiledValue>;
  /** Records that fail it are left out quietly (counted, not logged). */
  recordFilter?: CompiledRecordFilter;
}

export interface CompiledIncremental {
  param?: string;
  paramIn: 'query' | 'body';
  format: string;
  untilParam?: string;
  inclusive: boolean;
  lookbackMs: number;
  /** How long after a change the upstream lists it (ms): the run's bound stays that far back. */
  visibilityDelayMs: number;
  /**
   * The upstream refuses a first request without the lower bound (Zendesk's `start_time`): a
   * full sync sends the earliest instant (the Unix epoch) rather than leaving it out.
   */
  required: boolean;
  /** Date-range slices read whole and sorted (an upstream that does not sort by update time). */
  slice?: CompiledSlice;
  /**
   * Most results one query may page through: the query is issued again from the last position
   * handed out before a page would pass it (engine/capabilities/contacts-window.ts).
   */
  maxResults?: number;
  /**
   * The precision of the contacts' update times (ms): what the `updated_at` field's format can
   * say, and what the upper bound's format can (when `untilParam` sends it); 1 for `auto`.
   */
  precisionMs: number;
}

export interface CompiledLookup {
  where: string;
  request: CompiledRequest;
  selector: JsonPath;
  notFound: ReadonlySet<number>;
  /**
   * Phone lookups only: the written forms of the number to ask for, in order, each as
   * `lookup.phone_form` (the first that finds the contact wins); absent, one request per number.
   */
  phoneForms?: readonly PhoneForm[];
  lastDigits?: number;
  /** Phone lookups only: the answer's candidates are checked against the caller's number here. */
  phoneFields?: JsonPath[];
}

export interface CompiledInteractionStream extends CompiledStream {
  types: string[];
  maxPages: number;
  /** Read once for each of the first `maxRecords` records of the stream at index `stream`. */
  forEach?: { stream: number; maxRecords: number };
}

export interface CompiledAction {
  name: string;
  display: string;
  description: string;
  inputs: { key: string; name: string; mandatory: boolean }[];
  requires: ('contact_external_id' | 'agent_external_id')[];
  request: CompiledRequest;
  response: Partial<
    Record<
      | 'message'
      | 'external_id'
      | 'contact_external_id'
      | 'contact_external_type'
      | 'contact_external_url',
      CompiledValue
    >
  >;
  errorMessagePath?: JsonPath;
}

export type CompiledAuthentication =
  | { type: 'none' }
  | { type: 'basic'; username: Template; password: Template }
  | { type: 'bearer'; token: Template; header: string; prefix: string }
  | { type: 'api_key'; in: 'header' | 'query'; name: string; value: Template }
  | {
      type: 'session';
      login: CompiledRequest;
      tokenPath?: JsonPath;
      tokenHeader?: string;
      expiresInPath?: JsonPath;
      ttlMs: number;
      rejectStatuses: ReadonlySet<number>;
      inject: { in: 'header' | 'query'; name: string; value: Template };
    };

export type ErrorAction =
  'rate_limited' | 'credentials_rejected' | 'not_found' | 'retryable' | 'fail';

export interface CompiledErrorRule {
  where: string;
  statuses: ReadonlySet<number>;
  path?: JsonPath;
  oneOf?: readonly string[];
  /** Lower case. */
  contains?: string;
  action: ErrorAction;
}

export interface CompiledField extends AuthenticationField {
  /** Masked in logs and errors (not part of Talkdesk's configuration). */
  secret: boolean;
}

export interface CompiledManifest {
  /** The file it was read from. */
  file: string;
  name: string;
  authenticationType: 'custom' | 'oauth2' | 'none';
  authenticationFields: CompiledField[];
  /** The base URL after its origin when `baseOrigin` is set, else all of it. */
  baseUrl: Template;
  /** The base URL's origin is an auth field's URL, on one of these hosts (allowed_hosts). */
  baseOrigin?: { field: string; hosts: HostPattern[] };
  headers: [string, Template][];
  maxResponseBytes: number;
  authentication: CompiledAuthentication;
  retryStatuses: ReadonlySet<number>;
  /** How failed answers are classified (first match wins), before the defaults. */
  errorRules: CompiledErrorRule[];
  /** Where a failed answer holds the upstream's message (quoted in errors). */
  errorMessagePath?: JsonPath;
  /** Lower-cased headers that stand for `Retry-After` when it is absent, in order. */
  retryAfterHeaders: readonly string[];
  maxPagesPerCall: number;
  /** At most `requests` per `intervalMs` per account credentials. */
  pacing?: { requests: number; intervalMs: number };
  health?: CompiledRequest;
  credentialCheck?: {
    request: CompiledRequest;
    rejectStatuses: ReadonlySet<number>;
    accountKey?: Template;
    fieldsToStore: [string, CompiledValue][];
  };
  contacts?: CompiledStream & {
    incremental?: CompiledIncremental;
    /** The listing of full syncs, in the upstream's own order (mapped with the same fields). */
    fullSync?: CompiledStream;
    enrichments?: CompiledEnrichment[];
  };
  agents?: CompiledStream;
  interactions?: {
    types: string[];
    byId?: CompiledLookup;
    byEmail?: CompiledLookup;
    byPhone?: CompiledLookup;
    idField: JsonPath;
    notFound: ReadonlySet<number>;
    streams: CompiledInteractionStream[];
  };
  actions: CompiledAction[];
}

/** One condition of a record filter (engine/records/record-filter.ts). */
export interface RecordCondition {
  path: JsonPath;
  /** The value must be one of these (JSON scalars, compared exactly). */
  in?: readonly unknown[];
  /** The value must be none of these. */
  notIn?: readonly unknown[];
}

export interface CompiledRecordFilter {
  conditions: readonly RecordCondition[];
}

export type EnrichableField = 'company' | 'title' | 'address';

/** An enrichment lookup (engine/records/enrichment.ts). */
export interface CompiledEnrichment {
  where: string;
  field: EnrichableField;
  /** Templates over `auth` and `value` (the field's mapped value: the reference). */
  request: CompiledRequest;
  /** Path of the replacement in the answer. */
  value: JsonPath;
  notFound: ReadonlySet<number>;
  /** Most answers kept (per connector, keyed by account and reference). */
  cacheSize: number;
  /** Most lookup requests one call makes; the rest of the batch keeps no value for the field. */
  maxRequests: number;
}

/** Date-range slices (engine/capabilities/contacts-slices.ts). */
export interface CompiledSlice {
  stepMs: number;
  /** Widest range read as one slice (Infinity: none). */
  maxStepMs: number;
  maxRecords: number;
  /** Where a full sync starts (epoch ms). */
  startMs: number;
}
