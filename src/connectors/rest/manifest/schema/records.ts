import Type from 'typebox';
import {
  DEFAULT_LAST_DIGITS,
  MAX_LAST_DIGITS,
  MIN_LAST_DIGITS,
  PHONE_FORMS,
} from '../../../lookup/phone-forms';
import { RequestSchema } from './request';
import { definition, described, oneOf, statuses, strict, template } from './schema-builder';

/** Record filters, enrichment lookups and phone lookup forms: what real APIs' lists need. */

const scalar = Type.Unsafe<string | number | boolean | null>({
  type: ['string', 'number', 'boolean', 'null'],
});

export const RecordConditionSchema = definition(
  'record_condition',
  strict(
    {
      path: template('Path of the value in the upstream record, e.g. `role`.'),
      in: Type.Optional(
        Type.Array(scalar, {
          minItems: 1,
          description:
            'The value must be one of these (compared exactly; a missing value is `null`).',
        }),
      ),
      not_in: Type.Optional(
        Type.Array(scalar, { minItems: 1, description: 'The value must be none of these.' }),
      ),
    },
    { description: 'One condition of a record filter: `in`, `not_in` or both.' },
  ),
);

export const RecordFilterSchema = Type.Array(RecordConditionSchema, {
  minItems: 1,
  description:
    'Conditions every upstream record must meet to be sent (all of them), e.g. only `role: end-user` that are `active`. Records that fail are left out quietly: counted in `bridge_records_dropped_total{reason="filtered"}`, not logged.',
});

export const ENRICHABLE_FIELDS = ['company', 'title', 'address'] as const;

export const EnrichmentSchema = definition(
  'enrichment',
  strict(
    {
      request: described(
        RequestSchema,
        'The second request; templates over `auth` and `value` (the field’s mapped value, e.g. a company id).',
      ),
      value: template('Path of the replacement in the answer, e.g. `name`.'),
      not_found_statuses: Type.Optional(
        statuses('Statuses meaning "no such record": the field gets no value.', [404]),
      ),
      cache_size: Type.Optional(
        Type.Integer({
          minimum: 1,
          maximum: 10000,
          default: 500,
          description:
            'Most answers kept per field (per account, about a run long), so each reference is asked for once.',
        }),
      ),
      max_requests: Type.Optional(
        Type.Integer({
          minimum: 1,
          maximum: 200,
          default: 25,
          description:
            'Most lookups one Talkdesk call makes (within its time budget); contacts past it get no value for the field (logged).',
        }),
      ),
    },
    {
      description:
        'Replaces a contact field that the list only gives as a reference (a company id) by what a second request answers (the company’s name); a reference the upstream does not know leaves the field empty.',
    },
  ),
);

export const EnrichSchema = Type.Optional(
  Type.Partial(
    Type.Object(
      Object.fromEntries(ENRICHABLE_FIELDS.map((f) => [f, EnrichmentSchema])) as Record<
        (typeof ENRICHABLE_FIELDS)[number],
        typeof EnrichmentSchema
      >,
      {
        additionalProperties: false,
        description: `Enrichment lookups by contact field (${ENRICHABLE_FIELDS.join(', ')}).`,
      },
    ),
  ),
);

export const PhoneFormsSchema = Type.Optional(
  Type.Array(oneOf(PHONE_FORMS), {
    minItems: 1,
    uniqueItems: true,
    description:
      'By phone only: the written forms of the caller’s number to ask for, in order, each as `{{ lookup.phone_form }}`; the first that finds the contact wins. Forms: `e164` (+12125551000), `international` (+1 212 555 1000), `national` ((212) 555-1000), `national_digits` (2125551000), `digits` (12125551000), `last_digits` (the last `last_digits` digits). Each try is one request within the call’s time budget.',
  }),
);

export const LastDigitsSchema = Type.Optional(
  Type.Integer({
    minimum: MIN_LAST_DIGITS,
    maximum: MAX_LAST_DIGITS,
    default: DEFAULT_LAST_DIGITS,
    description: 'How many digits the `last_digits` form keeps.',
  }),
);
