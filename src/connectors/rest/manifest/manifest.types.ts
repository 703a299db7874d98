import { Static } from 'typebox';
import { ManifestSchema } from './manifest.schema';
import { ActionSchema } from './schema/actions';
import { AuthenticationSchema } from './schema/authentication';
import { PaginatorSchema, PAGINATOR_TYPES } from './schema/paginator';
import { HTTP_METHODS, RequestSchema, ValueSchema } from './schema/request';
import {
  ContactsSchema,
  IncrementalSchema,
  InteractionsSchema,
  InteractionStreamSchema,
  LookupSchema,
} from './schema/streams';
import { AuthenticationFieldSchema } from './schema/talkdesk';
import { EnrichmentSchema, RecordConditionSchema } from './schema/records';

/**
 * The connector manifest as written (YAML or JSON): the types of what MANIFEST_SCHEMA accepts,
 * derived from it (manifest.schema.ts). Templates are strings with `{{ root.path }}`
 * placeholders; paths are `a.b[0].c`; expressions are JSONata.
 */

export type HttpMethod = (typeof HTTP_METHODS)[number];
export type PaginatorType = (typeof PAGINATOR_TYPES)[number];
export type RequestSpec = Static<typeof RequestSchema>;
export type ValueSpec = Static<typeof ValueSchema>;
export type { ValueSpecObject } from './schema/request';
export type PaginatorSpec = Static<typeof PaginatorSchema>;
export type IncrementalSpec = Static<typeof IncrementalSchema>;
export type ContactsSpec = Static<typeof ContactsSchema>;
export type LookupSpec = Static<typeof LookupSchema>;
export type InteractionStreamSpec = Static<typeof InteractionStreamSchema>;
export type InteractionsSpec = Static<typeof InteractionsSchema>;
export type ActionSpec = Static<typeof ActionSchema>;
export type AuthenticationSpec = Static<typeof AuthenticationSchema>;
export type TalkdeskAuthenticationField = Static<typeof AuthenticationFieldSchema>;
export type Manifest = Static<typeof ManifestSchema>;
export type RecordConditionSpec = Static<typeof RecordConditionSchema>;
export type EnrichmentSpec = Static<typeof EnrichmentSchema>;
