import Type from 'typebox';
import { definition, oneOf, strict, template } from './schema-builder';

export const PAGINATOR_TYPES = [
  'none',
  'page_number',
  'offset',
  'cursor',
  'link_header',
  'next_url',
] as const;

export const PaginatorSchema = definition(
  'paginator',
  strict(
    {
      type: oneOf(
        PAGINATOR_TYPES,
        '`page_number`: `page_param` = 1, 2...; `offset`: `offset_param` = 0, n, 2n...; `cursor`: the next cursor is read from the answer (`cursor_path` or `cursor_header`) and sent as `cursor_param`; `link_header`: follow `Link: <url>; rel="next"`; `next_url`: follow the URL at `next_url_path`; `none`: one page.',
      ),
      page_size: Type.Optional(
        Type.Integer({
          minimum: 1,
          maximum: 10000,
          description:
            'Records per upstream page; sent as `page_size_param` when given. With `page_number`, agent positions count on it: it must be the size the upstream really uses.',
        }),
      ),
      page_size_param: Type.Optional(
        template('Parameter carrying `page_size`, e.g. `per_page` or `limit`.'),
      ),
      param_in: Type.Optional(
        oneOf(
          ['query', 'body'],
          'Where paging parameters go (`body` for search APIs paged by POST).',
          'query',
        ),
      ),
      page_param: Type.Optional(
        template('`page_number`: the page parameter.', { default: 'page' }),
      ),
      start_page: Type.Optional(
        Type.Integer({
          minimum: 0,
          default: 1,
          description: '`page_number`: number of the first page.',
        }),
      ),
      offset_param: Type.Optional(
        template('`offset`: the offset parameter.', { default: 'offset' }),
      ),
      start_offset: Type.Optional(
        Type.Integer({
          minimum: 0,
          default: 0,
          description: '`offset`: offset of the first record.',
        }),
      ),
      cursor_param: Type.Optional(
        template('`cursor`: parameter carrying the cursor.', { default: 'cursor' }),
      ),
      cursor_path: Type.Optional(template('`cursor`: path of the next cursor in the answer.')),
      cursor_header: Type.Optional(
        template('`cursor`: header of the answer holding the next cursor.'),
      ),
      next_url_path: Type.Optional(
        template('`next_url`: path of the next page’s URL in the answer.'),
      ),
      rel: Type.Optional(template('`link_header`: the relation to follow.', { default: 'next' })),
      has_more_path: Type.Optional(
        template('Path of a boolean in the answer: false means last page (any strategy).'),
      ),
      last_page_path: Type.Optional(
        template('Path of a boolean in the answer: true means last page (e.g. `end_of_stream`).'),
      ),
      total_records_path: Type.Optional(
        template(
          'Path of the total number of records: paging stops once that many were read (`page_number`, `offset`).',
        ),
      ),
      total_pages_path: Type.Optional(
        template('Path of the number of pages: paging stops after that page (`page_number`).'),
      ),
      stop_on_short_page: Type.Optional(
        Type.Boolean({
          default: true,
          description:
            'With `page_size`: a page with fewer records is the last one (`page_number`, `offset`). An empty page always is.',
        }),
      ),
    },
    {
      description:
        'How the upstream pages a list. Its state travels in Talkdesk’s `next_offset`. A cursor or next URL seen twice stops the paging with an error rather than looping.',
      allOf: [
        {
          if: { properties: { type: { const: 'cursor' } } },
          then: { anyOf: [{ required: ['cursor_path'] }, { required: ['cursor_header'] }] },
        },
        {
          if: { properties: { type: { const: 'next_url' } } },
          then: { required: ['next_url_path'] },
        },
        { if: { properties: { type: { const: 'offset' } } }, then: { required: ['page_size'] } },
      ],
    },
  ),
);
