import { z } from 'zod';

/**
 * A Talkdesk field's source, in the words of the REST manifests: a string is a path into the
 * record (for SQL, a column name), an object names exactly one source among `path`, `template`,
 * `expression` and `value`, then optional `map`, `map_default`, `default` and `format`.
 */
export const VALUE_SPEC = z
  .union([
    z.string().min(1),
    z.strictObject({
      path: z.string().min(1).optional().describe('Path into the record (a column name).'),
      template: z
        .string()
        .optional()
        .describe('Template over `record`, e.g. `{{ record.FIRST_NAME }} {{ record.LAST_NAME }}`.'),
      expression: z
        .string()
        .optional()
        .describe('JSONata expression over the record, e.g. `$join([FIRST, LAST], " ")`.'),
      value: z.unknown().optional().describe('A constant.'),
      map: z
        .record(z.string(), z.unknown())
        .optional()
        .describe('Translates values (compared as lower-case text), e.g. `{ "1": high }`.'),
      map_default: z.unknown().optional().describe('The value for anything `map` does not list.'),
      default: z
        .unknown()
        .optional()
        .describe('The value when the source gives none (null or "").'),
      format: z
        .string()
        .optional()
        .describe('For dates: how they are written (`iso`, `epoch_ms`, `YYYY-MM-DD HH:mm:ss`...).'),
    }),
  ])
  .describe(
    'Where a value comes from: a column name, or `{ path | template | expression | value, map, map_default, default, format }`.',
  );

export type ValueSpec = z.infer<typeof VALUE_SPEC>;

/** A list field (phones, emails, websites): one value, or several gathered into one list. */
export const FIELD_LIST_SPEC = z
  .union([VALUE_SPEC, z.array(VALUE_SPEC).min(1)])
  .describe('One value, or a list of values gathered into one list (e.g. three phone columns).');
