import Type from 'typebox';
import { definition, mapOf, oneOf, strict, template } from './schema-builder';

export const AuthenticationFieldSchema = definition(
  'authentication_field',
  strict(
    {
      field_name: Type.String({
        pattern: '^[A-Za-z_][A-Za-z0-9_]*$',
        description: 'Key of the field in `auth`; templates read it as `{{ auth.<field_name> }}`.',
      }),
      display: Type.String({ minLength: 1, description: 'Label shown to the user.' }),
      source: Type.Optional(
        oneOf(
          ['input', 'default', 'auth_validation'],
          '`input`: typed by the user; `default`: a fixed value; `auth_validation`: returned by the credential check (`credential_check.fields_to_store`).',
          'input',
        ),
      ),
      type: Type.Optional(oneOf(['input', 'oauth'], 'Field type.', 'input')),
      mandatory: Type.Optional(
        Type.Boolean({
          default: true,
          description:
            'Mandatory `input` fields must be non-empty text, else the credentials are refused without calling the upstream.',
        }),
      ),
      store: Type.Optional(
        Type.Boolean({ default: true, description: 'Whether Talkdesk stores the field.' }),
      ),
      help: Type.Optional(Type.String({ description: 'Help text shown to the user.' })),
      format: Type.Optional(Type.String({ description: 'Input format hint.' })),
      secret: Type.Optional(
        Type.Boolean({
          default: true,
          description:
            'Whether the value is masked in logs, errors and the check tool’s output; `false` for values that are not credentials, such as a subdomain. Not sent to Talkdesk.',
        }),
      ),
    },
    { description: 'One authentication field of the integration configuration.' },
  ),
);

export const TalkdeskSchema = definition(
  'talkdesk',
  strict(
    {
      authentication_type: Type.Optional(
        oneOf(
          ['custom', 'oauth2', 'none'],
          '`custom`: Talkdesk asks the user for `authentication_fields`; `oauth2`: Talkdesk runs the OAuth 2.0 flow and sends `access_token` in `auth`; `none`: no credentials.',
          'custom',
        ),
      ),
      authentication_fields: Type.Optional(
        Type.Array(AuthenticationFieldSchema, {
          description: 'The fields Talkdesk asks for and sends in `auth` (for `custom`).',
        }),
      ),
    },
    {
      description: 'What Talkdesk is told about authentication (`GET /integration/configuration`).',
    },
  ),
);

export const ConnectionSchema = definition(
  'connection',
  strict(
    {
      base_url: template(
        'Base URL every `path` is appended to; may use `{{ auth.* }}`, e.g. `https://{{ auth.subdomain }}.example.com/api/v2` (values are percent-encoded), or start with an auth field holding a URL, checked against `allowed_hosts`. `CONNECTOR_BASE_URL` overrides it.',
        { minLength: 1 },
      ),
      allowed_hosts: Type.Optional(
        Type.Array(Type.String({ minLength: 1 }), {
          description:
            'Where a base URL taken from an account field may point, for a `base_url` that starts with one (`{{ auth.instance_url }}/services/data/v62.0`): host patterns `[scheme://]host[:port]`, `https` unless written, `*` inside one label (`*.my.salesforce.com`, `*.crm*.dynamics.com`). The field must be a URL on such a host, else the credentials are refused before any request.',
        }),
      ),
      headers: Type.Optional(
        mapOf('Headers sent with every request (templates over `auth`).', Type.String()),
      ),
      max_response_bytes: Type.Optional(
        Type.Integer({
          minimum: 1024,
          maximum: 268435456,
          default: 16777216,
          description: 'Largest response body read; a larger one is an error.',
        }),
      ),
    },
    { description: 'Where the API is.' },
  ),
);
