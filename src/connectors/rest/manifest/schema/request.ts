import Type, { Static } from 'typebox';
import { RequestPacingSchema } from './pacing';
import { definition, described, mapOf, oneOf, strict, template } from './schema-builder';

export const HTTP_METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;

export const RequestSchema = definition(
  'request',
  strict(
    {
      method: Type.Optional(oneOf(HTTP_METHODS, 'HTTP method.', 'GET')),
      path: Type.Optional(
        template(
          'Appended to `connection.base_url`; placeholder values are percent-encoded, e.g. `/contacts/{{ contact.id }}/tickets`.',
        ),
      ),
      url: Type.Optional(
        template('An absolute URL instead of `path` (same origin rules as `path`).'),
      ),
      query: Type.Optional(
        mapOf(
          'Query parameters (templates). A list repeats the parameter, in order: `role[]: [agent, admin]` sends `role[]=agent&role[]=admin`.',
          Type.Unsafe<string | number | boolean | (string | number | boolean)[]>({
            anyOf: [
              { type: ['string', 'number', 'boolean'] },
              { type: 'array', minItems: 1, items: { type: ['string', 'number', 'boolean'] } },
            ],
          }),
        ),
      ),
      headers: Type.Optional(
        mapOf('Headers (templates), added to `connection.headers`.', Type.String()),
      ),
      body: Type.Optional(
        Type.Unknown({
          description:
            'JSON body: any JSON whose strings are templates; a string that is exactly one placeholder keeps the value’s type (number, list, object).',
        }),
      ),
      body_expression: Type.Optional(
        Type.String({
          description:
            'JSONata expression computing the body instead of `body` (input: the same values as templates, e.g. `data`, `meta`, `auth`). A value from the request joined into text (`&`, `$join`, `$replace`, `$pad`, `$string` of a structure) must pass through an escaping function, named as the template filters: `"Email = \'" & $soql(data.email) & "\'"` (also `$soql_like`, `$sosl`, `$odata`, `$lucene`, `$zendesk_search`, `$hubspot_search`, `$digits`, `$guid`); the loader refuses it otherwise.',
        }),
      ),
      body_format: Type.Optional(
        oneOf(
          ['json', 'form'],
          '`json` or `form` (application/x-www-form-urlencoded, flat objects only).',
          'json',
        ),
      ),
      pacing: Type.Optional(
        described(
          RequestPacingSchema,
          'A limit of this endpoint of its own, besides the manifest’s `pacing` (e.g. an export endpoint allowed 10 requests a minute): at most `requests` per `interval_ms` of this request and its pages (and of the other requests naming the same `key`), for one account’s credentials, in every replica together when `REDIS_URL` is set. A request waits for both.',
        ),
      ),
      idempotent: Type.Optional(
        Type.Boolean({
          description:
            'Whether repeating the request is harmless (default: true for GET, PUT and DELETE, false otherwise); only idempotent requests are retried after 5xx answers or broken connections.',
        }),
      ),
    },
    {
      description:
        'One HTTP request. Strings are templates; a query parameter or header whose placeholders have no value is left out, and so is a body key whose whole value is one placeholder without a value.',
    },
  ),
);

const ValueObjectSchema = strict({
  path: Type.Optional(Type.String({ description: 'Path into the record.' })),
  template: Type.Optional(
    Type.String({
      description:
        'Template over `record` (and `auth`), e.g. `https://{{ auth.subdomain }}.example.com/people/{{ record.id }}`.',
    }),
  ),
  expression: Type.Optional(
    Type.String({
      description:
        'JSONata expression over the record (`$auth` holds the auth fields), e.g. `$join([first_name, last_name], " ")`.',
    }),
  ),
  value: Type.Optional(Type.Unknown({ description: 'A constant.' })),
  map: Type.Optional(
    Type.Unsafe<Record<string, unknown>>({
      type: 'object',
      description:
        'Translates values (compared as lower-case text), e.g. `{ "2": high, "on-hold": pending }`.',
    }),
  ),
  map_default: Type.Optional(
    Type.Unknown({ description: 'The value for anything `map` does not list.' }),
  ),
  default: Type.Optional(
    Type.Unknown({ description: 'The value when the source gives none (missing, null or "").' }),
  ),
  format: Type.Optional(
    Type.String({
      description:
        'For dates (`updated_at`, `date`): how the upstream writes them: `auto` (default), `iso`, `iso_seconds`, `epoch_seconds`, `epoch_ms`, `date` or a pattern such as `YYYY-MM-DD HH:mm:ss`. For `updated_at` it also says the precision of update times (e.g. whole seconds for `iso_seconds`), to which syncs truncate their bounds: name it when the upstream keeps whole seconds.',
    }),
  ),
});

export type ValueSpecObject = Static<typeof ValueObjectSchema>;

export const ValueSchema = definition(
  'value',
  Type.Unsafe<string | ValueSpecObject>({
    type: ['string', 'object'],
    description:
      'Where a Talkdesk field’s value comes from. A string is a path into the upstream record (`email`, `organization.name`, `emails[0]`, `phones.*.number`). An object says more: exactly one source among `path`, `template`, `expression` and `value`, then optional `map`, `map_default`, `default`, `format`.',
    if: { type: 'object' },
    then: { additionalProperties: false, properties: ValueObjectSchema.properties },
  }),
);

/** A Talkdesk record's fields, each a value, with those it cannot go without. */
export const fieldsOf = <const K extends string, const R extends K>(
  description: string,
  names: Record<K, string>,
  required: R[],
) =>
  Type.Unsafe<
    { [key in R]: Static<typeof ValueSchema> } & { [key in K]?: Static<typeof ValueSchema> }
  >({
    type: 'object',
    description,
    properties: Object.fromEntries(
      Object.entries(names).map(([name, doc]) => [name, described(ValueSchema, doc as string)]),
    ),
    required,
    additionalProperties: false,
  });
