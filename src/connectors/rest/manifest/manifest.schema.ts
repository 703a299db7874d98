import Type from 'typebox';
import { RETRYABLE_STATUSES } from '../../resilience/http-upstream';
import { ActionSchema, CredentialCheckSchema } from './schema/actions';
import { AuthenticationSchema } from './schema/authentication';
import { ErrorRuleSchema, ErrorsSchema } from './schema/errors';
import { PacingSchema } from './schema/pacing';
import { PaginatorSchema } from './schema/paginator';
import { RequestSchema, ValueSchema } from './schema/request';
import { EnrichmentSchema, RecordConditionSchema } from './schema/records';
import { statuses, strict, toJsonSchema } from './schema/schema-builder';
import {
  AgentsSchema,
  ContactsSchema,
  IncrementalSchema,
  FullSyncSchema,
  InteractionsSchema,
  InteractionStreamSchema,
  LookupSchema,
} from './schema/streams';
import { AuthenticationFieldSchema, ConnectionSchema, TalkdeskSchema } from './schema/talkdesk';

/**
 * The connector manifest's schema, written once (TypeBox, in ./schema/): the TypeScript types
 * of manifest.types.ts are derived from it, and so are the JSON Schema the loader validates
 * with (ajv, every mistake reported with its path), connectors/manifest.schema.json and
 * docs/manifest-reference.md (`npm run manifest:docs`). Defaults are written only here; the
 * loader reads them with `defaultOf`. Each `description` is written for the people who write
 * manifests.
 */

export const RetrySchema = strict(
  {
    statuses: Type.Optional(
      statuses(
        'HTTP statuses retried for idempotent requests (reads, and writes marked `idempotent`); `429` is retried for every request, since the upstream refused it unprocessed. `Retry-After` is honoured.',
        [...RETRYABLE_STATUSES],
      ),
    ),
  },
  {
    description: 'Which failed answers are tried again (with backoff, within the request budget).',
  },
);

export const LimitsSchema = strict(
  {
    max_pages_per_call: Type.Optional(
      Type.Integer({
        minimum: 1,
        maximum: 1000,
        default: 20,
        description:
          'Most upstream pages read to fill one batch; paging resumes from there on the next batch.',
      }),
    ),
    expression_timeout_ms: Type.Optional(
      Type.Integer({
        minimum: 1,
        maximum: 5000,
        default: 250,
        description: 'Longest time one JSONata expression may run on one record.',
      }),
    ),
  },
  { description: 'Bounds on the work one Talkdesk request may cause.' },
);

export const HealthSchema = strict(
  { request: RequestSchema },
  {
    description:
      'An unauthenticated request the readiness probe sends (any answer below 500 means up). Without it the probe sends `HEAD /` to the base URL’s host: any HTTP answer means up, a refused or timed-out connection down (a base URL that needs auth fields is not probed).',
  },
);

export const ManifestSchema = strict(
  {
    version: Type.Literal(1, { description: 'Manifest format version: `1`.' }),
    name: Type.String({
      pattern: '^[a-z0-9][a-z0-9_-]*$',
      maxLength: 64,
      description:
        'Short name of the external system (lower case, digits, `-`, `_`); the connector reports itself as `rest:<name>`.',
    }),
    description: Type.Optional(
      Type.String({ description: 'Free text for the people who read the manifest.' }),
    ),
    talkdesk: Type.Optional(TalkdeskSchema),
    connection: ConnectionSchema,
    authentication: Type.Optional(AuthenticationSchema),
    retry: Type.Optional(RetrySchema),
    errors: Type.Optional(ErrorsSchema),
    pacing: Type.Optional(PacingSchema),
    limits: Type.Optional(LimitsSchema),
    health: Type.Optional(HealthSchema),
    credential_check: Type.Optional(CredentialCheckSchema),
    contacts: Type.Optional(ContactsSchema),
    agents: Type.Optional(AgentsSchema),
    interactions: Type.Optional(InteractionsSchema),
    actions: Type.Optional(
      Type.Array(ActionSchema, {
        description: 'The actions Talkdesk can run (`POST /actions/<name>`), each one request.',
      }),
    ),
  },
  {
    title: 'Connector manifest',
    description:
      'Describes an HTTP API to the REST connector: how to reach and authenticate to it, and how each Talkdesk capability maps to its requests and records.',
  },
);

/** The definitions of the JSON Schema, in the order the reference lists them. */
const DEFINITIONS = [
  TalkdeskSchema,
  AuthenticationFieldSchema,
  ConnectionSchema,
  AuthenticationSchema,
  RequestSchema,
  ValueSchema,
  PaginatorSchema,
  ContactsSchema,
  IncrementalSchema,
  FullSyncSchema,
  RecordConditionSchema,
  EnrichmentSchema,
  AgentsSchema,
  LookupSchema,
  InteractionsSchema,
  InteractionStreamSchema,
  CredentialCheckSchema,
  ActionSchema,
  ErrorRuleSchema,
];

/** The JSON Schema (draft-07) of connector manifests. */
export const MANIFEST_SCHEMA: Record<string, unknown> = toJsonSchema(ManifestSchema, DEFINITIONS, {
  $schema: 'http://json-schema.org/draft-07/schema#',
}) as Record<string, unknown>;
