/**
 * The JSON Schema of connector manifests: validated at start-up (ajv, every mistake reported
 * with its path) and the source of docs/manifest-reference.md (`npm run manifest:docs`).
 * Each `description` is written for the people who write manifests.
 */

type Schema = Record<string, unknown>;

const ref = (name: string): Schema => ({ $ref: `#/definitions/${name}` });

const template = (description: string, extra: Schema = {}): Schema => ({
  type: 'string',
  description,
  ...extra,
});

const statuses = (description: string, defaults?: number[]): Schema => ({
  type: 'array',
  description,
  items: { type: 'integer', minimum: 100, maximum: 599 },
  ...(defaults && { default: defaults }),
});

const fieldsOf = (description: string, names: Record<string, string>, required: string[]) => ({
  type: 'object',
  description,
  properties: Object.fromEntries(
    Object.entries(names).map(([name, doc]) => [name, { ...ref('value'), description: doc }]),
  ),
  required,
  additionalProperties: false,
});

export const MANIFEST_SCHEMA: Schema = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  title: 'Connector manifest',
  description:
    'Describes an HTTP API to the REST connector: how to reach and authenticate to it, and how each Talkdesk capability maps to its requests and records.',
  type: 'object',
  required: ['version', 'name', 'connection'],
  additionalProperties: false,
  properties: {
    version: { const: 1, description: 'Manifest format version: `1`.' },
    name: {
      type: 'string',
      pattern: '^[a-z0-9][a-z0-9_-]*$',
      maxLength: 64,
      description:
        'Short name of the external system (lower case, digits, `-`, `_`); the connector reports itself as `rest:<name>`.',
    },
    description: { type: 'string', description: 'Free text for the people who read the manifest.' },
    talkdesk: ref('talkdesk'),
    connection: ref('connection'),
    authentication: ref('authentication'),
    retry: {
      type: 'object',
      description:
        'Which failed answers are tried again (with backoff, within the request budget).',
      additionalProperties: false,
      properties: {
        statuses: statuses(
          'HTTP statuses retried for idempotent requests (reads, and writes marked `idempotent`); `429` is retried for every request, since the upstream refused it unprocessed. `Retry-After` is honoured.',
          [408, 425, 429, 500, 502, 503, 504],
        ),
      },
    },
    limits: {
      type: 'object',
      description: 'Bounds on the work one Talkdesk request may cause.',
      additionalProperties: false,
      properties: {
        max_pages_per_call: {
          type: 'integer',
          minimum: 1,
          maximum: 1000,
          default: 20,
          description:
            'Most upstream pages read to fill one batch; paging resumes from there on the next batch.',
        },
        expression_timeout_ms: {
          type: 'integer',
          minimum: 1,
          maximum: 5000,
          default: 250,
          description: 'Longest time one JSONata expression may run on one record.',
        },
      },
    },
    health: {
      type: 'object',
      description:
        'An unauthenticated request the readiness probe sends (any answer below 500 means up). Without it the probe sends `HEAD /` to the base URL’s host: any HTTP answer means up, a refused or timed-out connection down (a base URL that needs auth fields is not probed).',
      required: ['request'],
      additionalProperties: false,
      properties: { request: ref('request') },
    },
    credential_check: ref('credential_check'),
    contacts: ref('contacts'),
    agents: ref('agents'),
    interactions: ref('interactions'),
    actions: {
      type: 'array',
      description: 'The actions Talkdesk can run (`POST /actions/<name>`), each one request.',
      items: ref('action'),
    },
  },
  definitions: {
    talkdesk: {
      type: 'object',
      description: 'What Talkdesk is told about authentication (`GET /integration/configuration`).',
      additionalProperties: false,
      properties: {
        authentication_type: {
          enum: ['custom', 'oauth2', 'none'],
          default: 'custom',
          description:
            '`custom`: Talkdesk asks the user for `authentication_fields`; `oauth2`: Talkdesk runs the OAuth 2.0 flow and sends `access_token` in `auth`; `none`: no credentials.',
        },
        authentication_fields: {
          type: 'array',
          description: 'The fields Talkdesk asks for and sends in `auth` (for `custom`).',
          items: ref('authentication_field'),
        },
      },
    },
    authentication_field: {
      type: 'object',
      description: 'One authentication field of the integration configuration.',
      required: ['field_name', 'display'],
      additionalProperties: false,
      properties: {
        field_name: {
          type: 'string',
          pattern: '^[A-Za-z_][A-Za-z0-9_]*$',
          description:
            'Key of the field in `auth`; templates read it as `{{ auth.<field_name> }}`.',
        },
        display: { type: 'string', minLength: 1, description: 'Label shown to the user.' },
        source: {
          enum: ['input', 'default', 'auth_validation'],
          default: 'input',
          description:
            '`input`: typed by the user; `default`: a fixed value; `auth_validation`: returned by the credential check (`credential_check.fields_to_store`).',
        },
        type: { enum: ['input', 'oauth'], default: 'input', description: 'Field type.' },
        mandatory: {
          type: 'boolean',
          default: true,
          description:
            'Mandatory `input` fields must be non-empty text, else the credentials are refused without calling the upstream.',
        },
        store: {
          type: 'boolean',
          default: true,
          description: 'Whether Talkdesk stores the field.',
        },
        help: { type: 'string', description: 'Help text shown to the user.' },
        format: { type: 'string', description: 'Input format hint.' },
        secret: {
          type: 'boolean',
          default: true,
          description:
            'Whether the value is masked in logs, errors and the check tool’s output; `false` for values that are not credentials, such as a subdomain. Not sent to Talkdesk.',
        },
      },
    },
    connection: {
      type: 'object',
      description: 'Where the API is.',
      required: ['base_url'],
      additionalProperties: false,
      properties: {
        base_url: template(
          'Base URL every `path` is appended to; may use `{{ auth.* }}`, e.g. `https://{{ auth.subdomain }}.example.com/api/v2` (values are percent-encoded). `CONNECTOR_BASE_URL` overrides it.',
          { minLength: 1 },
        ),
        headers: {
          type: 'object',
          description: 'Headers sent with every request (templates over `auth`).',
          additionalProperties: { type: 'string' },
        },
        max_response_bytes: {
          type: 'integer',
          minimum: 1024,
          maximum: 268435456,
          default: 16777216,
          description: 'Largest response body read; a larger one is an error.',
        },
      },
    },
    authentication: {
      type: 'object',
      description:
        'How each request proves who it is for, from the account’s `auth` fields. Credentials never appear in logs or errors.',
      required: ['type'],
      additionalProperties: false,
      properties: {
        type: {
          enum: ['none', 'basic', 'bearer', 'api_key', 'session'],
          description:
            '`basic`: HTTP Basic from `username`/`password`; `bearer`: a token (e.g. the OAuth 2.0 `{{ auth.access_token }}` Talkdesk passes through); `api_key`: a key in a header or query parameter; `session`: call `login` once, take a token from its answer, send it with `inject` (cached per credentials, logged in again once on a 401).',
        },
        username: template('`basic`: user name template, e.g. `{{ auth.email }}/token`.'),
        password: template('`basic`: password template.'),
        token: template('`bearer`: token template, e.g. `{{ auth.access_token }}`.'),
        header: template('`bearer`: header name.', { default: 'Authorization' }),
        prefix: template('`bearer`: text before the token.', { default: 'Bearer' }),
        in: {
          enum: ['header', 'query'],
          description: '`api_key`: where the key goes.',
        },
        name: template('`api_key`: header or query parameter name.'),
        value: template('`api_key`: the key template, e.g. `{{ auth.api_key }}`.'),
        login: {
          ...ref('request'),
          description:
            '`session`: the login request (templates over `auth`), e.g. a `POST` with a JSON or form body.',
        },
        token_path: template('`session`: path of the token in the login answer’s body.'),
        token_header: template('`session`: header of the login answer holding the token.'),
        expires_in_path: template(
          '`session`: path of the token’s lifetime in seconds in the login answer.',
        ),
        ttl_seconds: {
          type: 'integer',
          minimum: 1,
          maximum: 86400,
          default: 900,
          description: '`session`: how long a token is reused when the answer does not say.',
        },
        reject_statuses: statuses(
          '`session`: login statuses that mean the credentials are wrong.',
          [400, 401, 403],
        ),
        inject: {
          type: 'object',
          description:
            '`session`: how the token is sent: `{ in: header, name: Authorization, value: "Bearer {{ session.token }}" }`.',
          required: ['in', 'name', 'value'],
          additionalProperties: false,
          properties: {
            in: { enum: ['header', 'query'] },
            name: { type: 'string', minLength: 1 },
            value: { type: 'string', minLength: 1 },
          },
        },
      },
      allOf: [
        {
          if: { properties: { type: { const: 'basic' } } },
          then: { required: ['username', 'password'] },
        },
        { if: { properties: { type: { const: 'bearer' } } }, then: { required: ['token'] } },
        {
          if: { properties: { type: { const: 'api_key' } } },
          then: { required: ['in', 'name', 'value'] },
        },
        {
          if: { properties: { type: { const: 'session' } } },
          then: { required: ['login', 'inject'] },
        },
      ],
    },
    request: {
      type: 'object',
      description:
        'One HTTP request. Strings are templates; a query parameter or header whose placeholders have no value is left out, and so is a body key whose whole value is one placeholder without a value.',
      additionalProperties: false,
      properties: {
        method: {
          enum: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'],
          default: 'GET',
          description: 'HTTP method.',
        },
        path: template(
          'Appended to `connection.base_url`; placeholder values are percent-encoded, e.g. `/contacts/{{ contact.id }}/tickets`.',
        ),
        url: template('An absolute URL instead of `path` (same origin rules as `path`).'),
        query: {
          type: 'object',
          description: 'Query parameters (templates).',
          additionalProperties: { type: ['string', 'number', 'boolean'] },
        },
        headers: {
          type: 'object',
          description: 'Headers (templates), added to `connection.headers`.',
          additionalProperties: { type: 'string' },
        },
        body: {
          description:
            'JSON body: any JSON whose strings are templates; a string that is exactly one placeholder keeps the value’s type (number, list, object).',
        },
        body_expression: {
          type: 'string',
          description:
            'JSONata expression computing the body instead of `body` (input: the same values as templates, e.g. `data`, `meta`, `auth`).',
        },
        body_format: {
          enum: ['json', 'form'],
          default: 'json',
          description: '`json` or `form` (application/x-www-form-urlencoded, flat objects only).',
        },
        idempotent: {
          type: 'boolean',
          description:
            'Whether repeating the request is harmless (default: true for GET, PUT and DELETE, false otherwise); only idempotent requests are retried after 5xx answers or broken connections.',
        },
      },
    },
    value: {
      type: ['string', 'object'],
      description:
        'Where a Talkdesk field’s value comes from. A string is a path into the upstream record (`email`, `organization.name`, `emails[0]`, `phones.*.number`). An object says more: exactly one source among `path`, `template`, `expression` and `value`, then optional `map`, `map_default`, `default`, `format`.',
      if: { type: 'object' },
      then: {
        additionalProperties: false,
        properties: {
          path: { type: 'string', description: 'Path into the record.' },
          template: {
            type: 'string',
            description:
              'Template over `record` (and `auth`), e.g. `https://{{ auth.subdomain }}.example.com/people/{{ record.id }}`.',
          },
          expression: {
            type: 'string',
            description:
              'JSONata expression over the record (`$auth` holds the auth fields), e.g. `$join([first_name, last_name], " ")`.',
          },
          value: { description: 'A constant.' },
          map: {
            type: 'object',
            description:
              'Translates values (compared as lower-case text), e.g. `{ "2": high, "on-hold": pending }`.',
          },
          map_default: { description: 'The value for anything `map` does not list.' },
          default: { description: 'The value when the source gives none (missing, null or "").' },
          format: {
            type: 'string',
            description:
              'For dates (`updated_at`, `date`): how the upstream writes them: `auto` (default), `iso`, `iso_seconds`, `epoch_seconds`, `epoch_ms`, `date` or a pattern such as `YYYY-MM-DD HH:mm:ss`. For `updated_at` it also says the precision of update times (e.g. whole seconds for `iso_seconds`), to which syncs truncate their bounds: name it when the upstream keeps whole seconds.',
          },
        },
      },
    },
    paginator: {
      type: 'object',
      description:
        'How the upstream pages a list. Its state travels in Talkdesk’s `next_offset`. A cursor or next URL seen twice stops the paging with an error rather than looping.',
      required: ['type'],
      additionalProperties: false,
      properties: {
        type: {
          enum: ['none', 'page_number', 'offset', 'cursor', 'link_header', 'next_url'],
          description:
            '`page_number`: `page_param` = 1, 2...; `offset`: `offset_param` = 0, n, 2n...; `cursor`: the next cursor is read from the answer (`cursor_path` or `cursor_header`) and sent as `cursor_param`; `link_header`: follow `Link: <url>; rel="next"`; `next_url`: follow the URL at `next_url_path`; `none`: one page.',
        },
        page_size: {
          type: 'integer',
          minimum: 1,
          maximum: 10000,
          description:
            'Records per upstream page; sent as `page_size_param` when given. With `page_number`, agent positions count on it: it must be the size the upstream really uses.',
        },
        page_size_param: template('Parameter carrying `page_size`, e.g. `per_page` or `limit`.'),
        param_in: {
          enum: ['query', 'body'],
          default: 'query',
          description: 'Where paging parameters go (`body` for search APIs paged by POST).',
        },
        page_param: template('`page_number`: the page parameter.', { default: 'page' }),
        start_page: {
          type: 'integer',
          minimum: 0,
          default: 1,
          description: '`page_number`: number of the first page.',
        },
        offset_param: template('`offset`: the offset parameter.', { default: 'offset' }),
        start_offset: {
          type: 'integer',
          minimum: 0,
          default: 0,
          description: '`offset`: offset of the first record.',
        },
        cursor_param: template('`cursor`: parameter carrying the cursor.', { default: 'cursor' }),
        cursor_path: template('`cursor`: path of the next cursor in the answer.'),
        cursor_header: template('`cursor`: header of the answer holding the next cursor.'),
        next_url_path: template('`next_url`: path of the next page’s URL in the answer.'),
        rel: template('`link_header`: the relation to follow.', { default: 'next' }),
        has_more_path: template(
          'Path of a boolean in the answer: false means last page (any strategy).',
        ),
        last_page_path: template(
          'Path of a boolean in the answer: true means last page (e.g. `end_of_stream`).',
        ),
        total_records_path: template(
          'Path of the total number of records: paging stops once that many were read (`page_number`, `offset`).',
        ),
        total_pages_path: template(
          'Path of the number of pages: paging stops after that page (`page_number`).',
        ),
        stop_on_short_page: {
          type: 'boolean',
          default: true,
          description:
            'With `page_size`: a page with fewer records is the last one (`page_number`, `offset`). An empty page always is.',
        },
      },
      allOf: [
        {
          if: { properties: { type: { const: 'cursor' } } },
          then: {
            anyOf: [{ required: ['cursor_path'] }, { required: ['cursor_header'] }],
          },
        },
        {
          if: { properties: { type: { const: 'next_url' } } },
          then: { required: ['next_url_path'] },
        },
        {
          if: { properties: { type: { const: 'offset' } } },
          then: { required: ['page_size'] },
        },
      ],
    },
    contacts: {
      type: 'object',
      description:
        'Contact synchronization. With `incremental`, contacts are read in ascending update time and syncs resume from Talkdesk’s checkpoint; without it, every sync reads every contact (a full sync) and no checkpoint is issued.',
      required: ['request', 'fields'],
      additionalProperties: false,
      properties: {
        request: {
          ...ref('request'),
          description:
            'The list request; templates may use `auth`, `limit` (records wanted), `since` and `until` (the update-time window, written in `incremental.format`).',
        },
        record_selector: { type: 'string', description: 'Path of the records in the answer.' },
        paginator: ref('paginator'),
        incremental: ref('incremental'),
        fields: fieldsOf(
          'The Talkdesk contact, field by field.',
          {
            id: 'The contact’s id (mandatory: records without one are dropped and logged).',
            updated_at:
              'Last change (mandatory with `incremental`): the sync order and checkpoint. Use `format` for how it is written.',
            name: 'Full name.',
            title: 'Job title.',
            company: 'Company.',
            emails: 'Emails: one value or a list.',
            phones: 'Phones: one value or a list (sent to Talkdesk in E.164).',
            websites: 'Websites: one value or a list.',
            photo_url: 'Photo URL.',
            address: 'Address.',
            twitter: 'Twitter handle.',
            url: 'Link to the contact in the external system.',
            custom_fields:
              'Custom fields: a list of `{key, value}`, or an object whose entries become them (typically an `expression`).',
          },
          ['id'],
        ),
      },
    },
    incremental: {
      type: 'object',
      description:
        'The upstream can list records changed since an instant, oldest first. The records must come in ascending `fields.updated_at` order (sort the request by it).',
      additionalProperties: false,
      properties: {
        param: template(
          'Parameter carrying the lower bound (e.g. `updated_since`); alternatively write `{{ since }}` in the request yourself.',
        ),
        param_in: {
          enum: ['query', 'body'],
          default: 'query',
          description: 'Where `param` and `until_param` go.',
        },
        format: {
          type: 'string',
          default: 'iso',
          description:
            'How `since`/`until` are written: `iso`, `iso_seconds`, `epoch_seconds`, `epoch_ms`, `date` or a pattern such as `YYYY-MM-DD HH:mm:ss` (UTC); truncated to what the format can say, records are then filtered exactly.',
        },
        until_param: template('Parameter carrying the upper bound, when the upstream has one.'),
        inclusive: {
          type: 'boolean',
          default: true,
          description:
            'Whether the upstream includes records updated exactly at `since`; when not, the bridge asks from one step earlier.',
        },
        lookback_seconds: {
          type: 'integer',
          minimum: 0,
          maximum: 604800,
          default: 0,
          description:
            'Least look-back window this upstream needs (it makes changes visible late); incremental syncs re-read at least this much before the instant the previous run read up to (or `INCREMENTAL_LOOKBACK_SECONDS` when larger).',
        },
      },
    },
    agents: {
      type: 'object',
      description:
        'Agent synchronization: the users Talkdesk matches to its agents by email. Talkdesk’s integer `offset` counts upstream records.',
      required: ['request', 'fields'],
      additionalProperties: false,
      properties: {
        request: {
          ...ref('request'),
          description: 'The list request (templates over `auth`, `limit`).',
        },
        record_selector: { type: 'string', description: 'Path of the records in the answer.' },
        paginator: ref('paginator'),
        fields: fieldsOf(
          'The Talkdesk agent.',
          {
            id: 'The user’s id.',
            name: 'Name (defaults to the email’s local part).',
            email: 'Email: how Talkdesk matches the agent.',
          },
          ['id', 'email'],
        ),
      },
    },
    lookup: {
      type: 'object',
      description:
        'A request that finds a contact; its answer holds the contact (or a list: the first one is taken).',
      required: ['request'],
      additionalProperties: false,
      properties: {
        request: {
          ...ref('request'),
          description:
            'Templates over `auth` and `lookup` (`lookup.id`, `lookup.email`, `lookup.phone` as Talkdesk sent it, `lookup.phone_e164`, `lookup.phone_digits`, `lookup.name`).',
        },
        record_selector: template('Path of the contact (or list of contacts) in the answer.'),
        not_found_statuses: statuses('Statuses meaning "no such contact".', [404]),
      },
    },
    interactions: {
      type: 'object',
      description:
        'Interaction retrieval: find the contact (by id, else email, else phone), then read its interactions from one or more streams; the bridge keeps the requested types, newest first.',
      required: ['types', 'streams'],
      additionalProperties: false,
      properties: {
        types: {
          type: 'array',
          minItems: 1,
          items: { type: 'string', pattern: '^[a-z0-9_-]+$' },
          description: 'Interaction types offered to Talkdesk, e.g. `[ticket, note]`.',
        },
        contact: {
          type: 'object',
          description:
            'How to find the contact. Without `by_id`, the id Talkdesk sends is trusted as is.',
          additionalProperties: false,
          properties: {
            by_id: ref('lookup'),
            by_email: ref('lookup'),
            by_phone: ref('lookup'),
            id_field: template('Path of the contact id in a found contact.', { default: 'id' }),
          },
        },
        not_found_statuses: statuses(
          'Statuses of a stream request meaning "no such contact".',
          [404],
        ),
        streams: {
          type: 'array',
          minItems: 1,
          description: 'Where the interactions are.',
          items: ref('interaction_stream'),
        },
      },
    },
    interaction_stream: {
      type: 'object',
      description: 'One list of a contact’s interactions.',
      required: ['request', 'types', 'fields'],
      additionalProperties: false,
      properties: {
        request: {
          ...ref('request'),
          description:
            'Templates over `auth`, `contact` (`contact.id`, `contact.record`), `lookup` and `limit`.',
        },
        record_selector: { type: 'string', description: 'Path of the records in the answer.' },
        paginator: ref('paginator'),
        types: {
          type: 'array',
          minItems: 1,
          items: { type: 'string' },
          description:
            'Types this stream yields; it is not read when Talkdesk asks for none of them.',
        },
        max_pages: {
          type: 'integer',
          minimum: 1,
          maximum: 100,
          default: 3,
          description: 'Most pages read (stops earlier once enough interactions were read).',
        },
        fields: fieldsOf(
          'The Talkdesk interaction.',
          {
            id: 'The interaction’s id.',
            type: 'Its type (use `map` to translate upstream kinds); may be left out when the stream has one type.',
            subject: 'Subject.',
            description: 'Description.',
            date: 'Date (mandatory; `format` says how it is written).',
            url: 'Link to it in the external system.',
            priority:
              'Priority; `map` it to none, low, normal, high or urgent (common words are recognised).',
            status:
              'Status; `map` it to new, open, pending, solved or closed (common words are recognised).',
          },
          ['id', 'date'],
        ),
      },
    },
    credential_check: {
      type: 'object',
      description:
        'How credentials are verified (`POST /auth/validate`, and before serving an account). Without it, credentials are accepted unchecked and Talkdesk is told there is no validation endpoint.',
      required: ['request'],
      additionalProperties: false,
      properties: {
        request: {
          ...ref('request'),
          description: 'A cheap authenticated request (templates over `auth`).',
        },
        reject_statuses: statuses(
          'Statuses meaning "wrong credentials" besides 401 and 403 (e.g. 404 for an unknown subdomain).',
          [],
        ),
        account_key: template(
          'What identifies the account (templates over `auth` and `response`), e.g. `{{ auth.subdomain }}`; caches are keyed by its hash. Default: every `auth` field.',
        ),
        fields_to_store: {
          type: 'object',
          description:
            'Fields Talkdesk stores after validation (answered 200), each a value read from the answer; keys must be authentication fields with source `auth_validation`.',
          additionalProperties: ref('value'),
        },
      },
    },
    action: {
      type: 'object',
      description: 'One action.',
      required: ['name', 'display', 'description', 'request'],
      additionalProperties: false,
      properties: {
        name: {
          type: 'string',
          pattern: '^[A-Za-z0-9_-]+$',
          description: 'Name; the action is served at `POST /actions/<name>`.',
        },
        display: { type: 'string', minLength: 1, description: 'Display name.' },
        description: { type: 'string', minLength: 1, description: 'Description.' },
        inputs: {
          type: 'array',
          description: 'Inputs Talkdesk sends in `data` (`GET /integration/actions`).',
          items: {
            type: 'object',
            required: ['key', 'name'],
            additionalProperties: false,
            properties: {
              key: { type: 'string', pattern: '^[A-Za-z0-9_.-]+$', description: 'Key in `data`.' },
              name: { type: 'string', minLength: 1, description: 'Label.' },
              mandatory: { type: 'boolean', default: false, description: 'Required by Talkdesk.' },
            },
          },
        },
        requires: {
          type: 'array',
          items: { enum: ['contact_external_id', 'agent_external_id'] },
          description: '`meta` fields the action cannot run without (answered 400 when absent).',
        },
        request: {
          ...ref('request'),
          description:
            'Templates over `auth`, `data` (the inputs) and `meta` (`meta.contact_external_id`, `meta.agent_external_id`).',
        },
        response: {
          type: 'object',
          description:
            'The answer to Talkdesk, each a value read from the upstream’s answer (templates may also use `data` and `meta`).',
          additionalProperties: false,
          properties: {
            message: ref('value'),
            external_id: ref('value'),
            contact_external_id: ref('value'),
            contact_external_type: ref('value'),
            contact_external_url: ref('value'),
          },
        },
        error_message_path: template(
          'Path of the upstream’s error message, quoted in the 400 answered when it refuses the action.',
        ),
      },
    },
  },
};
