/**
 * The manifest `npm run connector:new -- <name>` writes: the keys of a first working contact
 * sync, each commented, the rest as commented-out examples. It validates as written (a spec
 * compiles it and checks it against connectors/manifest.schema.json): the placeholders are
 * values, not gaps.
 */
export function manifestSkeleton(name: string, schemaPath: string): string {
  return `# yaml-language-server: $schema=${schemaPath}
# The ${name} connector: a manifest for the REST connector (docs/rest-connector.md walks through
# writing one; docs/manifest-reference.md lists every key). Check it as you go:
#   npm run connector:check -- <this file>                       (validates it)
#   npm run connector:check -- <this file> --auth '{"api_key":"..."}'   (runs it against the API)
version: 1
# The connector reports itself as rest:${name}.
name: ${name}
description: Contacts of ${name}, synchronized to Talkdesk.

# What Talkdesk asks the user for when the integration is activated; it sends them in \`auth\`.
talkdesk:
  authentication_fields:
    - field_name: api_key
      display: API key
      help: The API key of your ${name} account
      # Never logged, and masked in connector:check's output.
      secret: true

# Where the API is: every request path is appended to it. CONNECTOR_BASE_URL (or --base-url)
# points it at a sandbox or a local stand-in.
connection:
  base_url: https://api.${name}.example/v1

# How each request authenticates: here an API key header from the auth field above. Also
# \`basic\`, \`bearer\` and \`session\` (a login request answering a token).
authentication:
  type: api_key
  in: header
  name: X-Api-Key
  value: '{{ auth.api_key }}'

# A cheap request that answers 2xx for good credentials and 401/403 for wrong ones.
credential_check:
  request:
    path: /me

# Contact synchronization: the list request, where the records are in its answer, how it pages,
# and which field of a record gives each Talkdesk field (a path, or \`expression\`, \`template\`,
# \`value\`, \`map\`).
contacts:
  request:
    path: /people
    query:
      limit: 100
  record_selector: items
  paginator:
    # The next page's cursor is in the answer's \`next\`, sent back as ?cursor=. Also
    # \`page_number\`, \`offset\`, \`next_url\` and \`link_header\`.
    type: cursor
    cursor_path: next
    cursor_param: cursor
  # Incremental syncs: the query parameter filtering by update time and how it is written. Without
  # this block every sync is a full one (and no checkpoint is issued).
  incremental:
    param: updated_after
    format: iso
  fields:
    id: uid
    # Mandatory with \`incremental\`: the record's last change.
    updated_at: modified_at
    name: full_name
    emails: mail
    phones: phone
    # company: organization.name
    # url: { template: 'https://app.${name}.example/people/{{ record.uid }}' }

# Agent synchronization (Talkdesk matches agents by email):
# agents:
#   request: { path: /users }
#   record_selector: users
#   paginator: { type: page_number, page_param: page, start_page: 1 }
#   fields: { id: id, name: name, email: email }

# A contact's interactions shown beside the conversation (tickets, notes, calls):
# interactions:
#   types: [ticket]
#   ...   (see the helpdesk.yaml example and the manifest reference)

# Actions Talkdesk can run (POST /actions/<name>):
# actions:
#   - name: create_ticket
#     display: Create a ticket
#     inputs:
#       - { key: subject, name: Subject, mandatory: true }
#     request:
#       method: POST
#       path: /tickets
#       body: { subject: '{{ data.subject }}', person: '{{ meta.contact_external_id }}' }
#     response:
#       message: { template: 'Ticket {{ record.id }} created' }
#       external_id: id
`;
}
