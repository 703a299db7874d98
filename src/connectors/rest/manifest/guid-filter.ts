/**
 * The `guid` template filter: a GUID as an OData key or GUID literal (`/contacts({{ contact.id |
 * guid }})`), unquoted in query text. A GUID passes in lower case (braces dropped); anything
 * else becomes the nil GUID, which matches no row, so nothing but hex digits and hyphens reaches
 * the query.
 */
export const GUID_FILTER: Readonly<Record<'guid', { arg: false; doc: string }>> = {
  guid: {
    arg: false,
    doc: 'a GUID in lower case, anything else the nil GUID (matching no row): an OData key or GUID literal, `/contacts({{ contact.id | guid }})`',
  },
};

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
export const NIL_GUID = '00000000-0000-0000-0000-000000000000';

export function guidValue(value: unknown): string {
  const text = String(value)
    .trim()
    .toLowerCase()
    .replace(/^\{(.*)\}$/, '$1');
  return GUID.test(text) ? text : NIL_GUID;
}
