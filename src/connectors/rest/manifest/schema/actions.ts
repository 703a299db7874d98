import Type from 'typebox';
import { RequestSchema, ValueSchema } from './request';
import { definition, described, mapOf, oneOf, statuses, strict, template } from './schema-builder';

export const CredentialCheckSchema = definition(
  'credential_check',
  strict(
    {
      request: described(RequestSchema, 'A cheap authenticated request (templates over `auth`).'),
      reject_statuses: Type.Optional(
        statuses(
          'Statuses meaning "wrong credentials" besides 401 and 403 (e.g. 404 for an unknown subdomain).',
          [],
        ),
      ),
      account_key: Type.Optional(
        template(
          'What identifies the account (templates over `auth` and `response`), e.g. `{{ auth.subdomain }}`; caches are keyed by its hash. Default: every `auth` field.',
        ),
      ),
      fields_to_store: Type.Optional(
        mapOf(
          'Fields Talkdesk stores after validation (answered 200), each a value read from the answer; keys must be authentication fields with source `auth_validation`.',
          ValueSchema,
        ),
      ),
    },
    {
      description:
        'How credentials are verified (`POST /auth/validate`, and before serving an account). Without it, credentials are accepted unchecked and Talkdesk is told there is no validation endpoint.',
    },
  ),
);

export const ActionInputSchema = strict({
  key: Type.String({ pattern: '^[A-Za-z0-9_.-]+$', description: 'Key in `data`.' }),
  name: Type.String({ minLength: 1, description: 'Label.' }),
  mandatory: Type.Optional(Type.Boolean({ default: false, description: 'Required by Talkdesk.' })),
});

export const ActionResponseSchema = strict(
  {
    message: Type.Optional(ValueSchema),
    external_id: Type.Optional(ValueSchema),
    contact_external_id: Type.Optional(ValueSchema),
    contact_external_type: Type.Optional(ValueSchema),
    contact_external_url: Type.Optional(ValueSchema),
  },
  {
    description:
      'The answer to Talkdesk, each a value read from the upstream’s answer body (templates may also use `data`, `meta` and `headers`, the answer’s headers by lower-case name, e.g. `{{ headers.odata-entityid }}`; expressions read them as `$headers`).',
  },
);

export const ActionSchema = definition(
  'action',
  strict(
    {
      name: Type.String({
        pattern: '^[A-Za-z0-9_-]+$',
        description: 'Name; the action is served at `POST /actions/<name>`.',
      }),
      display: Type.String({ minLength: 1, description: 'Display name.' }),
      description: Type.String({ minLength: 1, description: 'Description.' }),
      inputs: Type.Optional(
        Type.Array(ActionInputSchema, {
          description: 'Inputs Talkdesk sends in `data` (`GET /integration/actions`).',
        }),
      ),
      requires: Type.Optional(
        Type.Array(oneOf(['contact_external_id', 'agent_external_id']), {
          description: '`meta` fields the action cannot run without (answered 400 when absent).',
        }),
      ),
      request: described(
        RequestSchema,
        'Templates over `auth`, `data` (the inputs) and `meta` (`meta.contact_external_id`, `meta.agent_external_id`).',
      ),
      response: Type.Optional(ActionResponseSchema),
      error_message_path: Type.Optional(
        template(
          'Path of the upstream’s error message, quoted in the 400 answered when it refuses the action.',
        ),
      ),
    },
    { description: 'One action.' },
  ),
);
