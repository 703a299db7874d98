import { z } from 'zod';
import {
  DEFAULT_LAST_DIGITS,
  MAX_LAST_DIGITS,
  MIN_LAST_DIGITS,
  PHONE_FORMS,
} from '../../lookup/phone-forms';
import { FIELD_LIST_SPEC, VALUE_SPEC } from '../../manifest-common';

/**
 * The SQL manifest: how the SQL connector reads a database the user already has. Written once
 * here: the loader validates with it (every mistake with its path), the TypeScript types and the
 * defaults come from it, and so do the JSON Schema for editors and the reference docs.
 */

/** A table or column name, optionally schema-qualified; always quoted by the dialect. */
const IDENTIFIER = z
  .string()
  .regex(
    /^[A-Za-z_][A-Za-z0-9_$]*(\.[A-Za-z_][A-Za-z0-9_$]*)?$/,
    'must be a table or column name (letters, digits, _ and $, optionally schema.name)',
  );

const SCALAR = z.union([z.string(), z.number(), z.boolean()]);

export const FILTER = z
  .strictObject({
    column: IDENTIFIER,
    equals: SCALAR.optional().describe('Only rows where the column equals this value.'),
    not_equals: SCALAR.optional().describe(
      'Only rows where the column differs from this value (a NULL column counts as different).',
    ),
    in: z.array(SCALAR).min(1).optional().describe('Only rows whose column is one of these.'),
    is_null: z
      .boolean()
      .optional()
      .describe(
        '`true`: only rows where the column is NULL (e.g. `DELETED_AT`); `false`: not NULL.',
      ),
  })
  .describe(
    'A condition rows must meet (e.g. a soft-delete flag); exactly one of `equals`, `not_equals`, `in`, `is_null`. Values are bound parameters.',
  );

/** Where rows come from: a table, or a SELECT of the user's own (a join, a view's text). */
const SOURCE = {
  table: IDENTIFIER.optional().describe('The table (or view) to read.'),
  query: z
    .string()
    .min(1)
    .optional()
    .describe(
      'A SELECT of your own instead of `table` (e.g. a join), read as a subquery: the other keys name its output columns.',
    ),
  tenant_column: IDENTIFIER.optional().describe(
    'The column holding the account key the credentials yield: every query is scoped by it.',
  ),
  where: z.array(FILTER).default([]).describe('Conditions every row must meet.'),
  columns: z
    .array(IDENTIFIER)
    .default([])
    .describe(
      'Further columns to read for `expression` fields (paths and templates name theirs already).',
    ),
  json_columns: z
    .array(IDENTIFIER)
    .default([])
    .describe(
      'Columns holding JSON as text (SQLite, or a text column elsewhere): read as the value they hold, so that paths reach into them (e.g. a list of emails). PostgreSQL json/jsonb and MySQL JSON columns are read as values already.',
    ),
};

export const ID_COLUMN = z.strictObject({
  column: IDENTIFIER,
  type: z
    .enum(['integer', 'text', 'uuid'])
    .default('integer')
    .describe('How ids compare: as numbers (`integer`) or as text (`text`, `uuid`).'),
});

/** One id column, or the columns of a composite key in order. */
const ID = z
  .union([ID_COLUMN, z.array(ID_COLUMN).min(2).max(8)])
  .describe(
    'The id column, or the columns of a composite key in order (e.g. `[{ column: COMPANY, type: text }, { column: CUSTOMER_NO }]`): the contact id Talkdesk is given is then the parts encoded and joined by `+`.',
  );

export const UPDATE_TIME_TYPES = [
  'timestamptz',
  'timestamp',
  'datetime',
  'epoch_seconds',
  'epoch_ms',
  'text',
] as const;

export const TIME_COLUMN = z.strictObject({
  column: IDENTIFIER,
  type: z
    .enum(UPDATE_TIME_TYPES)
    .describe(
      '`timestamptz` (PostgreSQL), `timestamp` (without time zone, read as UTC), `datetime` (MySQL/MariaDB, read as UTC), `epoch_seconds`, `epoch_ms`, or `text` in `format`.',
    ),
  format: z
    .string()
    .optional()
    .describe(
      'With `text`: a pattern of YYYY MM DD HH mm ss SSS that sorts as text, e.g. `YYYY-MM-DD HH:mm:ss`. On SQLite, which keeps dates as text, also how `timestamp`, `timestamptz` and `datetime` columns are written (default `YYYY-MM-DD HH:mm:ss.SSS`).',
    ),
  precision_ms: z
    .number()
    .int()
    .min(1)
    .max(86_400_000)
    .optional()
    .describe(
      'What the column can tell apart, in ms (default: 1000 for epoch_seconds and formats without SSS, else 1); e.g. 1000 for a MySQL DATETIME without fractional seconds.',
    ),
});

const AUTH_FIELD = z.strictObject({
  field_name: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/),
  display: z.string().min(1),
  source: z.enum(['input', 'default', 'auth_validation']).default('input'),
  type: z.enum(['input', 'oauth']).default('input'),
  mandatory: z.boolean().default(true),
  store: z.boolean().default(true),
  help: z.string().optional(),
  format: z.string().optional(),
});

const HASH_ALGORITHMS = ['bcrypt', 'argon2', 'scrypt', 'pbkdf2', 'sha256'] as const;

const TABLE_CREDENTIALS = z.strictObject({
  type: z.literal('table').describe('The user’s own users or API-key table.'),
  ...SOURCE,
  identity: z
    .strictObject({
      column: IDENTIFIER.describe('The column the identity is looked up in (e.g. `LOGIN`).'),
      field: z.string().default('username').describe('The `auth` field holding it.'),
      normalize: z
        .enum(['none', 'trim', 'lower'])
        .default('lower')
        .describe('`lower`: trimmed and lower-cased before the lookup; `trim`; `none`.'),
    })
    .optional()
    .describe(
      'Who the credentials claim to be; leave out for a table of API keys (`sha256` only).',
    ),
  secret: z.strictObject({
    column: IDENTIFIER.describe('The column with the stored hash.'),
    field: z.string().default('password').describe('The `auth` field holding the secret.'),
    algorithm: z
      .enum(HASH_ALGORITHMS)
      .describe(
        '`bcrypt` ($2a$/$2b$/$2y$), `argon2` (PHC $argon2id$...), `scrypt` (scrypt$N$r$p$salt$key, base64), `pbkdf2` (pbkdf2_sha256$iterations$salt$hash, base64), `sha256` (hex of the token).',
      ),
  }),
});

const STATIC_TOKENS = z.strictObject({
  type: z.literal('static_tokens').describe('Tokens of a single-tenant deployment, stored hashed.'),
  field: z.string().default('api_token').describe('The `auth` field holding the token.'),
  hashes_env: z
    .string()
    .regex(/^[A-Z_][A-Z0-9_]*$/)
    .optional()
    .describe(
      'Environment variable with the tokens’ SHA-256 (hex), one per line or comma, each optionally followed by a space and the tenant key it yields.',
    ),
  hashes_file: z
    .string()
    .min(1)
    .optional()
    .describe('A file (a mounted secret) in the same format.'),
});

const ACTION_INPUT = z.strictObject({
  key: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/),
  name: z.string().min(1),
  mandatory: z.boolean().default(false),
  type: z
    .enum(['any', 'text'])
    .default('any')
    .describe(
      '`text`: `data.<key>` is the input as trimmed text, and a blank or null input is not given (the value’s `default` applies); `any`: as Talkdesk sent it.',
    ),
  pattern: z
    .string()
    .min(1)
    .optional()
    .describe(
      'A regular expression the input, as text, must match when given (e.g. `^\\d+$`); otherwise the action is refused with `message`.',
    ),
  message: z
    .string()
    .min(1)
    .optional()
    .describe('Why an input not matching `pattern` is refused (default: names the input).'),
});

const COLUMN_VALUES = z
  .record(IDENTIFIER, VALUE_SPEC)
  .describe(
    'Column → value over `data`, `contact.id` (and `contact.key.<column>`, each column of the contact’s key), `agent.id`, `account.tenant` and `settings` (bound parameters, never SQL text). Expressions may call `$phone_key(number)`: the number in E.164 read in DEFAULT_PHONE_REGION, else its digits (the key a lookup table of phones can hold).',
  );

const NOW = z
  .record(IDENTIFIER, z.string().min(1))
  .default({})
  .describe(
    'Columns set to the current time (UTC), each in a date format: `epoch_seconds`, `epoch_ms`, `iso`, or a pattern such as `YYYY-MM-DD HH:mm:ss.SSS` (what a timestamp column takes).',
  );

/** A further row written in the action's transaction, after its INSERT or UPDATE. */
const THEN_INSERT = z
  .strictObject({
    table: IDENTIFIER,
    values: COLUMN_VALUES.describe(
      'Column → value, as in `insert.values`; `id` is the id of the row the action wrote.',
    ),
    now: NOW,
    tenant_column: IDENTIFIER.optional().describe('Set to the account’s tenant key.'),
    unless_null: z
      .array(IDENTIFIER)
      .default([])
      .describe(
        'Columns of `values`: the row is not written when one of them has no value (e.g. an optional input left out).',
      ),
  })
  .describe(
    'A row written after the action’s statement, in its transaction (e.g. a lookup row of the new contact’s email).',
  );

export const SQL_ACTION = z.strictObject({
  name: z.string().regex(/^[a-z0-9][a-z0-9_-]*$/),
  display: z.string().min(1),
  description: z.string().min(1),
  inputs: z.array(ACTION_INPUT).default([]),
  requires: z.array(z.enum(['contact_external_id', 'agent_external_id'])).default([]),
  known_agent: z
    .boolean()
    .default(false)
    .describe(
      '`true`: `agent.id` is the request’s agent only when it is one of the account’s agents (`agents`), otherwise none; `false`: as Talkdesk sent it.',
    ),
  insert: z
    .strictObject({
      table: IDENTIFIER,
      values: COLUMN_VALUES,
      now: NOW,
      returning: IDENTIFIER.describe(
        'The generated id column (RETURNING, or the insert id on MySQL).',
      ),
      tenant_column: IDENTIFIER.optional().describe('Set to the account’s tenant key.'),
    })
    .optional(),
  update: z
    .strictObject({
      table: IDENTIFIER,
      set: COLUMN_VALUES,
      now: NOW,
      key: z.strictObject({ column: IDENTIFIER, value: VALUE_SPEC }).describe('The row to update.'),
      tenant_column: IDENTIFIER.optional().describe(
        'Only a row of the account’s tenant is updated.',
      ),
    })
    .optional(),
  then_insert: z.array(THEN_INSERT).default([]),
  response: z
    .strictObject({
      message: VALUE_SPEC.optional(),
      external_id: VALUE_SPEC.optional().describe(
        'Default: the new or updated row’s id; a value that gives none (`{ value: null }`): no external id.',
      ),
      contact_external_id: VALUE_SPEC.optional().describe(
        'The contact the action concerns, e.g. `id` for an action that creates contacts (default: the request’s contact; `{ value: null }`: none).',
      ),
      contact_external_type: VALUE_SPEC.optional(),
      contact_external_url: VALUE_SPEC.optional(),
    })
    .default({})
    .describe(
      'The answer to Talkdesk, each a value over `id` (the new or updated row’s id), `data`, `contact`, `agent`, `account` and `settings`.',
    ),
});

const INTERACTION_STREAM = z.strictObject({
  ...SOURCE,
  types: z.array(z.string().min(1)).min(1),
  type_column: IDENTIFIER.optional().describe(
    'A column holding the type in Talkdesk’s words (one of `types`): only the types asked for are read, in SQL; `fields.type` defaults to it.',
  ),
  contact_column: z
    .union([IDENTIFIER, z.array(IDENTIFIER).min(2).max(8)])
    .describe(
      'The column holding the contact’s id; with a composite contact key, its columns in the key’s order.',
    ),
  id: IDENTIFIER,
  date: TIME_COLUMN,
  fields: z
    .strictObject({
      type: VALUE_SPEC.optional(),
      subject: VALUE_SPEC.optional(),
      description: VALUE_SPEC.optional(),
      url: VALUE_SPEC.optional(),
      priority: VALUE_SPEC.optional(),
      status: VALUE_SPEC.optional(),
    })
    .default({}),
});

/** A table of the contacts' emails or phones (one row each), searched by value. */
const LOOKUP_TABLE = z
  .strictObject({
    table: SOURCE.table,
    query: SOURCE.query,
    tenant_column: SOURCE.tenant_column,
    where: SOURCE.where,
    holds: z
      .enum(['email', 'phone'])
      .describe(
        '`email`: searched as given and lower-cased; `phone`: as given, then in each of `phone_forms`.',
      ),
    contact_column: IDENTIFIER.describe('The column holding the contact’s id.'),
    value_column: IDENTIFIER.describe('The column holding the email or phone.'),
  })
  .describe(
    'A table of emails or phones beside the contacts (e.g. `contact_channels (contact_id, kind, value)`): a contact is found through it, the lowest contact id first. Index: (tenant, filters, value).',
  );

export const SQL_MANIFEST = z
  .strictObject({
    version: z.literal(1).describe('Manifest format version: `1`.'),
    name: z
      .string()
      .regex(/^[a-z0-9][a-z0-9_-]*$/)
      .max(64)
      .describe('Short name; the connector reports itself as `sql:<name>`.'),
    description: z.string().optional(),
    connection: z
      .strictObject({
        read_only: z
          .boolean()
          .optional()
          .describe(
            'Open the database read-only (default: true when no actions are declared); the server then refuses anything but reads.',
          ),
        statement_timeout_ms: z
          .number()
          .int()
          .min(1)
          .optional()
          .describe(
            'The server cancels a statement running longer (default: DATABASE_QUERY_TIMEOUT_MS or the request budget).',
          ),
      })
      .default({}),
    talkdesk: z
      .strictObject({ authentication_fields: z.array(AUTH_FIELD).min(1).optional() })
      .default({})
      .describe('Fields Talkdesk asks for (default: from the credentials strategy).'),
    credentials: z
      .discriminatedUnion('type', [TABLE_CREDENTIALS, STATIC_TOKENS])
      .describe('How `auth` is checked, and which tenant it yields.'),
    contacts: z.strictObject({
      ...SOURCE,
      id: ID,
      updated_at: TIME_COLUMN,
      index: IDENTIFIER.optional().describe(
        'The index of (tenant, update time, id) the keyset query must read, on MySQL/MariaDB (`FORCE INDEX`), whose optimizer may prefer an index of the tenant alone and then read every row before the page; with `table` only. Other dialects choose it themselves.',
      ),
      fields: z
        .strictObject({
          name: VALUE_SPEC.optional(),
          title: VALUE_SPEC.optional(),
          company: VALUE_SPEC.optional(),
          emails: FIELD_LIST_SPEC.optional(),
          phones: FIELD_LIST_SPEC.optional(),
          websites: FIELD_LIST_SPEC.optional(),
          photo_url: VALUE_SPEC.optional(),
          address: VALUE_SPEC.optional(),
          twitter: VALUE_SPEC.optional(),
          url: VALUE_SPEC.optional(),
        })
        .describe('The Talkdesk contact, field by field (paths are column names).'),
      custom_fields: z
        .record(z.string().min(1), VALUE_SPEC)
        .default({})
        .describe('Custom fields: key → value.'),
      custom_fields_from: VALUE_SPEC.optional().describe(
        'Custom fields from one value: a list of `{key, value}` or an object whose entries become them (a JSON column, an expression); listed before `custom_fields`.',
      ),
    }),
    agents: z
      .strictObject({
        ...SOURCE,
        id: ID,
        paging: z
          .enum(['offset', 'keyset'])
          .default('offset')
          .describe(
            '`offset`: positions count rows; `keyset` (integer ids): the position is the last id sent, so a deleted agent never shifts a page. A composite `id` is paged by offsets.',
          ),
        fields: z.strictObject({ name: VALUE_SPEC.optional(), email: VALUE_SPEC.optional() }),
      })
      .optional(),
    interactions: z
      .strictObject({
        lookup: z
          .strictObject({
            email_columns: z
              .array(IDENTIFIER)
              .default([])
              .describe('Contacts’ columns holding emails.'),
            phone_columns: z
              .array(IDENTIFIER)
              .default([])
              .describe('Contacts’ columns holding phones; each phone form is tried in order.'),
            phone_forms: z
              .array(z.enum(PHONE_FORMS))
              .min(1)
              .default(['e164', 'national', 'international', 'national_digits', 'digits'])
              .describe(
                'The written forms of the caller’s number looked for, in order, until one matches (`e164`, `international`, `national`, `national_digits`, `digits`: the column equals it; `last_digits`: the column’s digits end with the number’s last `last_digits` digits).',
              ),
            last_digits: z
              .number()
              .int()
              .min(MIN_LAST_DIGITS)
              .max(MAX_LAST_DIGITS)
              .default(DEFAULT_LAST_DIGITS)
              .describe(
                'How many of the number’s last digits the `last_digits` form matches (fewer find strangers).',
              ),
            tables: z
              .array(LOOKUP_TABLE)
              .default([])
              .describe(
                'Tables of emails or phones beside the contacts, searched after the contacts’ own columns.',
              ),
          })
          .default({
            email_columns: [],
            phone_columns: [],
            phone_forms: ['e164', 'national', 'international', 'national_digits', 'digits'],
            last_digits: DEFAULT_LAST_DIGITS,
            tables: [],
          }),
        streams: z.array(INTERACTION_STREAM).min(1),
      })
      .optional(),
    actions: z.array(SQL_ACTION).default([]),
    limits: z
      .strictObject({
        expression_timeout_ms: z.number().int().min(1).max(5000).default(250),
      })
      .default({ expression_timeout_ms: 250 }),
  })
  .describe('Describes a database the user already has to the SQL connector.');

/** The manifest as written. */
export type SqlManifestInput = z.input<typeof SQL_MANIFEST>;
/** The manifest with every default filled in. */
export type SqlManifest = z.output<typeof SQL_MANIFEST>;
export type SqlFilter = z.output<typeof FILTER>;
export type SqlTimeColumn = z.output<typeof TIME_COLUMN>;
export type SqlIdColumn = z.output<typeof ID_COLUMN>;
export type SqlActionSpec = z.output<typeof SQL_ACTION>;
export type SqlInteractionStream = z.output<typeof INTERACTION_STREAM>;
export type SqlLookupTable = z.output<typeof LOOKUP_TABLE>;
export type SqlCredentialsSpec = SqlManifest['credentials'];
