import { FakeRequest } from './fake-http';
import { organizationJson, PipedriveCompany, PipedrivePerson } from './fake-pipedrive-data';
import { b64, unb64 } from './vendor-kit';
import { Send, v2Invalid } from './fake-pipedrive-paging';

/**
 * Persons, "Search persons" (v2, `GET /api/v2/persons/search`, "a wrapper of /v1/itemSearch"):
 * `term` of at least 2 characters (1 with `exact_match`), `fields` among
 * `custom_fields,email,notes,phone,name` (all by default), `exact_match` "only full exact
 * matches against the given term are returned. It is not case sensitive"; without it the term
 * may be anywhere in a value ("Perform a search using a specific field from an item type",
 * `GET /v1/itemSearch/field`: "By default, term can be present anywhere in the resulting field
 * values to be considered a match"). Phones are searched as stored, nothing normalizes them:
 * `+16465554012` does not find `(646) 555-4012`, and `(646) 555-4012` finds
 * `(646) 555-4012 ext. 7`. `limit` at most 500, 100 by default. Answers
 * `data.items[{ result_score, item }]` with `additional_data.next_cursor`, best scores first.
 */

const FIELDS = ['custom_fields', 'email', 'notes', 'phone', 'name'];

export function searchPersons(company: PipedriveCompany, req: FakeRequest, send: Send): void {
  const q = req.url.searchParams;
  const term = (q.get('term') ?? '').trim();
  const exact = q.get('exact_match') === 'true';
  if (term.length < (exact ? 1 : 2)) {
    return send(
      400,
      v2Invalid('term', `String must contain at least ${exact ? 1 : 2} character(s)`),
    );
  }
  const fields = (q.get('fields') ?? FIELDS.join(',')).split(',');
  const unknown = fields.find((f) => !FIELDS.includes(f));
  if (unknown) return send(400, v2Invalid('fields', `Invalid enum value '${unknown}'`));
  const limit = Number(q.get('limit') ?? 100);
  if (!Number.isInteger(limit) || limit < 1 || limit > 500) {
    return send(400, v2Invalid('limit', 'Number must be less than or equal to 500'));
  }
  const wanted = term.toLowerCase();
  const score = (p: PipedrivePerson): number => {
    const values = [
      ...(fields.includes('name') ? [p.name] : []),
      ...(fields.includes('email') ? p.emails.map((e) => e.value) : []),
      ...(fields.includes('phone') ? p.phones.map((e) => e.value) : []),
    ].map((v) => v.toLowerCase());
    if (values.some((v) => v === wanted)) return 1;
    if (!exact && values.some((v) => v.includes(wanted))) return 0.5;
    return 0;
  };
  const found = company.persons
    .filter((p) => !p.is_deleted)
    .map((p) => ({ p, s: score(p) }))
    .filter((x) => x.s > 0)
    .sort((a, b) => b.s - a.s || a.p.id - b.p.id);
  const from = q.get('cursor') ? Number(/^s(\d+)$/.exec(unb64(q.get('cursor')!))?.[1] ?? NaN) : 0;
  if (!Number.isInteger(from)) return send(400, v2Invalid('cursor', 'Invalid cursor'));
  const page = found.slice(from, from + limit);
  return send(200, {
    success: true,
    data: {
      items: page.map(({ p, s }) => {
        const org = company.organizations.find((o) => o.id === p.org_id);
        return {
          result_score: s,
          item: {
            id: p.id,
            type: 'person',
            name: p.name,
            phones: p.phones.map((x) => x.value),
            emails: p.emails.map((x) => x.value),
            visible_to: 3,
            owner: { id: p.owner_id },
            organization: org
              ? { id: org.id, name: org.name, address: organizationJson(org).address }
              : null,
            custom_fields: [],
            notes: [],
          },
        };
      }),
    },
    additional_data: { next_cursor: from + limit < found.length ? b64(`s${from + limit}`) : null },
  });
}
