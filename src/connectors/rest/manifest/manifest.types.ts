/**
 * The connector manifest as written (YAML or JSON), validated against MANIFEST_SCHEMA
 * (manifest.schema.ts, the reference of every key). Templates are strings with
 * `{{ root.path }}` placeholders; paths are `a.b[0].c`; expressions are JSONata.
 */

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface RequestSpec {
  method?: HttpMethod;
  path?: string;
  url?: string;
  query?: Record<string, string | number | boolean>;
  headers?: Record<string, string>;
  body?: unknown;
  body_expression?: string;
  body_format?: 'json' | 'form';
  idempotent?: boolean;
}

export interface ValueSpecObject {
  path?: string;
  template?: string;
  expression?: string;
  value?: unknown;
  map?: Record<string, unknown>;
  map_default?: unknown;
  default?: unknown;
  format?: string;
}

export type ValueSpec = string | ValueSpecObject;

export type PaginatorType =
  'none' | 'page_number' | 'offset' | 'cursor' | 'link_header' | 'next_url';

export interface PaginatorSpec {
  type: PaginatorType;
  page_size?: number;
  page_size_param?: string;
  param_in?: 'query' | 'body';
  page_param?: string;
  start_page?: number;
  offset_param?: string;
  start_offset?: number;
  cursor_param?: string;
  cursor_path?: string;
  cursor_header?: string;
  next_url_path?: string;
  rel?: string;
  has_more_path?: string;
  last_page_path?: string;
  total_records_path?: string;
  total_pages_path?: string;
  stop_on_short_page?: boolean;
}

export interface StreamSpec {
  request: RequestSpec;
  record_selector?: string;
  paginator?: PaginatorSpec;
  fields: Record<string, ValueSpec>;
}

export interface IncrementalSpec {
  param?: string;
  param_in?: 'query' | 'body';
  format?: string;
  until_param?: string;
  inclusive?: boolean;
  lookback_seconds?: number;
}

export interface ContactsSpec extends StreamSpec {
  incremental?: IncrementalSpec;
}

export interface LookupSpec {
  request: RequestSpec;
  record_selector?: string;
  not_found_statuses?: number[];
}

export interface InteractionStreamSpec extends StreamSpec {
  types: string[];
  max_pages?: number;
}

export interface InteractionsSpec {
  types: string[];
  contact?: {
    by_id?: LookupSpec;
    by_email?: LookupSpec;
    by_phone?: LookupSpec;
    id_field?: string;
  };
  not_found_statuses?: number[];
  streams: InteractionStreamSpec[];
}

export interface ActionSpec {
  name: string;
  display: string;
  description: string;
  inputs?: { key: string; name: string; mandatory: boolean }[];
  requires?: ('contact_external_id' | 'agent_external_id')[];
  request: RequestSpec;
  response?: Partial<
    Record<
      | 'message'
      | 'external_id'
      | 'contact_external_id'
      | 'contact_external_type'
      | 'contact_external_url',
      ValueSpec
    >
  >;
  error_message_path?: string;
}

export type AuthenticationSpec =
  | { type: 'none' }
  | { type: 'basic'; username: string; password: string }
  | { type: 'bearer'; token: string; header?: string; prefix?: string }
  | { type: 'api_key'; in: 'header' | 'query'; name: string; value: string }
  | {
      type: 'session';
      login: RequestSpec;
      token_path?: string;
      token_header?: string;
      expires_in_path?: string;
      ttl_seconds?: number;
      reject_statuses?: number[];
      inject: { in: 'header' | 'query'; name: string; value: string };
    };

export interface TalkdeskAuthenticationField {
  field_name: string;
  display: string;
  source?: 'input' | 'default' | 'auth_validation';
  type?: 'input' | 'oauth';
  mandatory?: boolean;
  store?: boolean;
  help?: string;
  format?: string;
  secret?: boolean;
}

export interface Manifest {
  version: 1;
  name: string;
  description?: string;
  talkdesk?: {
    authentication_type?: 'custom' | 'oauth2' | 'none';
    authentication_fields?: TalkdeskAuthenticationField[];
  };
  connection: {
    base_url: string;
    headers?: Record<string, string>;
    max_response_bytes?: number;
  };
  authentication?: AuthenticationSpec;
  retry?: { statuses?: number[] };
  limits?: { max_pages_per_call?: number; expression_timeout_ms?: number };
  health?: { request: RequestSpec; auth?: boolean };
  credential_check?: {
    request: RequestSpec;
    reject_statuses?: number[];
    account_key?: string;
    fields_to_store?: Record<string, ValueSpec>;
  };
  contacts?: ContactsSpec;
  agents?: StreamSpec;
  interactions?: InteractionsSpec;
  actions?: ActionSpec[];
}
