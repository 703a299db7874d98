import Type from 'typebox';
import { fieldsOf, RequestSchema } from './request';
import { PaginatorSchema } from './paginator';
import { definition, described, oneOf, statuses, strict, template } from './schema-builder';
import { EnrichSchema, LastDigitsSchema, PhoneFormsSchema, RecordFilterSchema } from './records';

const recordSelector = () =>
  Type.Optional(Type.String({ description: 'Path of the records in the answer.' }));

export const SliceSchema = strict(
  {
    step_seconds: Type.Integer({
      minimum: 1,
      maximum: 31_536_000,
      description:
        'Width of a slice; a multiple of what `format` can say (86400 for `date`). Each slice is read whole, so it must hold at most `max_records`.',
    }),
    max_step_seconds: Type.Optional(
      Type.Integer({
        minimum: 1,
        maximum: 315_360_000,
        description:
          'Widest range read as one slice. By default none: a sync first asks for the whole rest of its window, and a range whose total is above `max_records` is cut where its first page and the totals say a slice lies, else halved.',
      }),
    ),
    max_records: Type.Integer({
      minimum: 1,
      maximum: 100_000,
      description:
        'Most records one slice may hold (e.g. the API’s cap on a filtered query); more is the coded error `upstream_slice_too_large`, never a silent cut.',
    }),
    start: Type.Optional(
      Type.String({
        default: '2000-01-01T00:00:00Z',
        description: 'Where a full sync’s first slice starts.',
      }),
    ),
  },
  {
    description:
      'Date-range slices for an upstream that filters by update time but does not sort by it: each slice (`{{ since }}` to `{{ until }}`, its last instant) is read whole and sorted by (update time, id).',
  },
);

export const IncrementalSchema = definition(
  'incremental',
  strict(
    {
      param: Type.Optional(
        template(
          'Parameter carrying the lower bound (e.g. `updated_since`); alternatively write `{{ since }}` in the request yourself.',
        ),
      ),
      param_in: Type.Optional(
        oneOf(['query', 'body'], 'Where `param` and `until_param` go.', 'query'),
      ),
      format: Type.Optional(
        Type.String({
          default: 'iso',
          description:
            'How `since`/`until` are written: `iso`, `iso_seconds`, `epoch_seconds`, `epoch_ms`, `date` or a pattern such as `YYYY-MM-DD HH:mm:ss` (UTC); truncated to what the format can say, records are then filtered exactly.',
        }),
      ),
      until_param: Type.Optional(
        template('Parameter carrying the upper bound, when the upstream has one.'),
      ),
      inclusive: Type.Optional(
        Type.Boolean({
          default: true,
          description:
            'Whether the upstream includes records updated exactly at `since`; when not, the bridge asks from one step earlier.',
        }),
      ),
      required: Type.Optional(
        Type.Boolean({
          default: false,
          description:
            'The upstream refuses a first request without the lower bound (Zendesk’s `start_time`): a full sync sends the Unix epoch instead of leaving `param` out.',
        }),
      ),
      slice: Type.Optional(SliceSchema),
      max_results: Type.Optional(
        Type.Integer({
          minimum: 1,
          maximum: 1_000_000,
          description:
            'Most results one query may page through (HubSpot’s search: 10,000; paging past it is refused): before a page would pass it, the bridge issues the query again from the last (update time, id) it handed out (a window restart), its lower bound that update time. Needs `paginator.page_size`. More contacts sharing one update time than this are the coded error `upstream_window_exhausted`, never a silent cut.',
        }),
      ),
      visibility_delay_seconds: Type.Optional(
        Type.Integer({
          minimum: 0,
          maximum: 3600,
          default: 0,
          description:
            'How long after a change the upstream starts listing it, when it leaves out recent changes on purpose (Zendesk’s incremental exports: the last minute); a run reads only up to this long before it started, so no checkpoint claims what could not be read yet.',
        }),
      ),
      lookback_seconds: Type.Optional(
        Type.Integer({
          minimum: 0,
          maximum: 604800,
          default: 0,
          description:
            'Least look-back window this upstream needs (it makes changes visible late); incremental syncs re-read at least this much before the instant the previous run read up to (or `INCREMENTAL_LOOKBACK_SECONDS` when larger).',
        }),
      ),
    },
    {
      description:
        'The upstream can list records changed since an instant, oldest first. The records must come in ascending `fields.updated_at` order (sort the request by it).',
    },
  ),
);

export const FullSyncSchema = definition(
  'full_sync',
  strict(
    {
      request: described(
        RequestSchema,
        'The list request of full syncs; templates may use `auth` and `limit` (no update-time window).',
      ),
      record_selector: recordSelector(),
      paginator: Type.Optional(PaginatorSchema),
      record_filter: Type.Optional(RecordFilterSchema),
    },
    {
      description:
        'A listing of every contact for full syncs, with `incremental` for the others: for an API whose update-time query is capped or costly where a plain list is not (HubSpot’s list endpoint beside its search). Records are mapped with `contacts.fields` and come in the API’s own order: such a run is checked for no order and its one checkpoint, at its end, is the instant it started reading.',
    },
  ),
);

export const ContactsSchema = definition(
  'contacts',
  strict(
    {
      request: described(
        RequestSchema,
        'The list request; templates may use `auth`, `limit` (records wanted), `since` and `until` (the update-time window, written in `incremental.format`).',
      ),
      record_selector: recordSelector(),
      paginator: Type.Optional(PaginatorSchema),
      incremental: Type.Optional(IncrementalSchema),
      full_sync: Type.Optional(FullSyncSchema),
      record_filter: Type.Optional(RecordFilterSchema),
      enrich: EnrichSchema,
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
    {
      description:
        'Contact synchronization. With `incremental`, contacts are read in ascending update time and syncs resume from Talkdesk’s checkpoint; without it, every sync reads every contact (a full sync) and no checkpoint is issued.',
    },
  ),
);

export const AgentsSchema = definition(
  'agents',
  strict(
    {
      request: described(RequestSchema, 'The list request (templates over `auth`, `limit`).'),
      record_selector: recordSelector(),
      paginator: Type.Optional(PaginatorSchema),
      record_filter: Type.Optional(RecordFilterSchema),
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
    {
      description:
        'Agent synchronization: the users Talkdesk matches to its agents by email. Talkdesk’s integer `offset` counts upstream records.',
    },
  ),
);

export const LookupSchema = definition(
  'lookup',
  strict(
    {
      request: described(
        RequestSchema,
        'Templates over `auth` and `lookup` (`lookup.id`, `lookup.email`, `lookup.phone` as Talkdesk sent it, `lookup.phone_e164`, `lookup.phone_digits`, `lookup.phone_form` with `phone_forms`, `lookup.name`).',
      ),
      record_selector: Type.Optional(
        template('Path of the contact (or list of contacts) in the answer.'),
      ),
      not_found_statuses: Type.Optional(statuses('Statuses meaning "no such contact".', [404])),
      phone_forms: PhoneFormsSchema,
      last_digits: LastDigitsSchema,
      phone_fields: Type.Optional(
        Type.Array(template('Path of a phone, or of a list of phones, in a found record.'), {
          minItems: 1,
          description:
            'By phone only: the answer lists candidates (asked broadly, e.g. by their `last_digits`), and the contact is the first whose phone at one of these paths (any of them, when the path holds a list) is the caller’s number once both are read as E.164 (an extension typed after the number left out); the others are not the caller.',
        }),
      ),
    },
    {
      description:
        'A request that finds a contact; its answer holds the contact (or a list: the first one is taken).',
    },
  ),
);

export const ForEachSchema = strict(
  {
    stream: Type.String({
      description: 'The `name` of the stream whose records this one is read for.',
    }),
    max_records: Type.Optional(
      Type.Integer({
        minimum: 1,
        maximum: 25,
        default: 5,
        description:
          'For how many of its records, the first it lists (its newest, when it lists newest first): one read each. Bounded because every read is one more request within the call’s budget (`REQUEST_BUDGET_MS`, under Talkdesk’s 10 s) and against the vendor’s rate limit (and the manifest’s `pacing`): with the contact’s own requests, they must fit one pacing window, or the lookup waits for the next one.',
      }),
    ),
  },
  {
    description:
      'Read this stream once for each record of another stream of the contact (a ticket’s comments): `{{ parent.… }}` in its request and fields is that record. The other stream is read even when Talkdesk asks for none of its types.',
  },
);

export const InteractionStreamSchema = definition(
  'interaction_stream',
  strict(
    {
      name: Type.Optional(
        Type.String({
          pattern: '^[a-z0-9_]+$',
          description: 'A name other streams’ `for_each` can refer to.',
        }),
      ),
      for_each: Type.Optional(ForEachSchema),
      request: described(
        RequestSchema,
        'Templates over `auth`, `contact` (`contact.id`, `contact.record`), `lookup`, `limit` and, with `for_each`, `parent`.',
      ),
      record_selector: recordSelector(),
      paginator: Type.Optional(PaginatorSchema),
      types: Type.Array(Type.String(), {
        minItems: 1,
        description:
          'Types this stream yields; it is not read when Talkdesk asks for none of them.',
      }),
      max_pages: Type.Optional(
        Type.Integer({
          minimum: 1,
          maximum: 100,
          default: 3,
          description: 'Most pages read (stops earlier once enough interactions were read).',
        }),
      ),
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
    { description: 'One list of a contact’s interactions.' },
  ),
);

export const InteractionsContactSchema = strict(
  {
    by_id: Type.Optional(LookupSchema),
    by_email: Type.Optional(LookupSchema),
    by_phone: Type.Optional(LookupSchema),
    id_field: Type.Optional(
      template('Path of the contact id in a found contact.', { default: 'id' }),
    ),
  },
  {
    description:
      'How to find the contact. Without `by_id`, the id Talkdesk sends is trusted as is.',
  },
);

export const InteractionsSchema = definition(
  'interactions',
  strict(
    {
      types: Type.Array(Type.String({ pattern: '^[a-z0-9_-]+$' }), {
        minItems: 1,
        description: 'Interaction types offered to Talkdesk, e.g. `[ticket, note]`.',
      }),
      contact: Type.Optional(InteractionsContactSchema),
      not_found_statuses: Type.Optional(
        statuses('Statuses of a stream request meaning "no such contact".', [404]),
      ),
      streams: Type.Array(InteractionStreamSchema, {
        minItems: 1,
        description: 'Where the interactions are.',
      }),
    },
    {
      description:
        'Interaction retrieval: find the contact (by id, else email, else phone), then read its interactions from one or more streams; the bridge keeps the requested types, newest first.',
    },
  ),
);
