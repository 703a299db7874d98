/**
 * Template filters that give a value its JSON type, for request bodies whose API is strict about
 * types: Talkdesk sends every action input as text (`"2"`), while an API may refuse a string
 * where it wants a number or a boolean (Dataverse's choice columns, Freshdesk's ids). In a body
 * string that is exactly one placeholder, the typed value is sent as such (`2`, `true`).
 * Text that is not a number or a boolean stays text, for the upstream to refuse with its reason.
 */
export const TYPED_FILTERS: Readonly<Record<string, { arg: false; doc: string }>> = {
  number: { arg: false, doc: 'the text as a JSON number (`"2.5"` → `2.5`), for strict APIs' },
  integer: { arg: false, doc: 'the text as a JSON integer (`"2"` → `2`), for strict APIs' },
  boolean: {
    arg: false,
    doc: 'the text as a JSON boolean (`true`/`false`, `yes`/`no`, `1`/`0`), for strict APIs',
  },
  guid: {
    arg: false,
    doc: 'a GUID in lower case, anything else the nil GUID (matching no row): an OData key or GUID literal, `/contacts({{ contact.id | guid }})`',
  },
};

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
export const NIL_GUID = '00000000-0000-0000-0000-000000000000';

const TRUE = new Set(['true', 'yes', '1']);
const FALSE = new Set(['false', 'no', '0']);

/** The value converted by the typed filter `name`, or the value itself when it does not read. */
export function typedValue(name: string, value: unknown): unknown {
  if (value === undefined || value === null) return value;
  const text = String(value).trim();
  switch (name) {
    case 'number': {
      const n = text === '' ? NaN : Number(text);
      return Number.isFinite(n) ? n : value;
    }
    case 'integer': {
      const n = /^[+-]?\d+$/.test(text) ? Number(text) : NaN;
      return Number.isSafeInteger(n) ? n : value;
    }
    case 'boolean': {
      const lower = text.toLowerCase();
      return TRUE.has(lower) ? true : FALSE.has(lower) ? false : value;
    }
    case 'guid': {
      // Safe inside OData text as an unquoted literal: only hex digits and hyphens get through.
      const lower = text.toLowerCase().replace(/^\{(.*)\}$/, '$1');
      return GUID.test(lower) ? lower : NIL_GUID;
    }
    default:
      return value;
  }
}
