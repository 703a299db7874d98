import Type from 'typebox';
import { RequestSchema } from './request';
import {
  byType,
  definition,
  described,
  oneOf,
  statuses,
  strict,
  template,
  variant,
} from './schema-builder';

const where = oneOf(['header', 'query']);

export const BasicAuthSchema = variant('basic', {
  username: template('`basic`: user name template, e.g. `{{ auth.email }}/token`.'),
  password: template('`basic`: password template.'),
});

export const BearerAuthSchema = variant('bearer', {
  token: template('`bearer`: token template, e.g. `{{ auth.access_token }}`.'),
  header: Type.Optional(template('`bearer`: header name.', { default: 'Authorization' })),
  prefix: Type.Optional(template('`bearer`: text before the token.', { default: 'Bearer' })),
});

export const ApiKeyAuthSchema = variant('api_key', {
  in: oneOf(['header', 'query'], '`api_key`: where the key goes.'),
  name: template('`api_key`: header or query parameter name.'),
  value: template('`api_key`: the key template, e.g. `{{ auth.api_key }}`.'),
});

export const SessionAuthSchema = variant('session', {
  login: described(
    RequestSchema,
    '`session`: the login request (templates over `auth`), e.g. a `POST` with a JSON or form body.',
  ),
  token_path: Type.Optional(template('`session`: path of the token in the login answer’s body.')),
  token_header: Type.Optional(template('`session`: header of the login answer holding the token.')),
  expires_in_path: Type.Optional(
    template('`session`: path of the token’s lifetime in seconds in the login answer.'),
  ),
  ttl_seconds: Type.Optional(
    Type.Integer({
      minimum: 1,
      maximum: 86400,
      default: 900,
      description: '`session`: how long a token is reused when the answer does not say.',
    }),
  ),
  reject_statuses: Type.Optional(
    statuses('`session`: login statuses that mean the credentials are wrong.', [400, 401, 403]),
  ),
  inject: strict(
    {
      in: where,
      name: Type.String({ minLength: 1 }),
      value: Type.String({ minLength: 1 }),
    },
    {
      description:
        '`session`: how the token is sent: `{ in: header, name: Authorization, value: "Bearer {{ session.token }}" }`.',
    },
  ),
});

export const AuthenticationSchema = definition(
  'authentication',
  byType(
    [variant('none', {}), BasicAuthSchema, BearerAuthSchema, ApiKeyAuthSchema, SessionAuthSchema],
    {
      description:
        'How each request proves who it is for, from the account’s `auth` fields. Credentials never appear in logs or errors.',
      typeDescription:
        '`basic`: HTTP Basic from `username`/`password`; `bearer`: a token (e.g. the OAuth 2.0 `{{ auth.access_token }}` Talkdesk passes through); `api_key`: a key in a header or query parameter; `session`: call `login` once, take a token from its answer, send it with `inject` (cached per credentials, logged in again once on a 401).',
    },
  ),
);
