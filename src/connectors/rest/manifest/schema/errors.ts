import Type from 'typebox';
import { definition, oneOf, statuses, strict, template } from './schema-builder';

export const ERROR_ACTIONS = [
  'rate_limited',
  'credentials_rejected',
  'not_found',
  'retryable',
  'fail',
] as const;

export const ErrorRuleSchema = definition(
  'error_rule',
  strict(
    {
      statuses: statuses('The statuses the rule is for (a 2xx only when listed).'),
      path: Type.Optional(
        template(
          'Path of the value the predicate reads in the answer’s body, e.g. `[0].errorCode`; without it, the body as text.',
        ),
      ),
      one_of: Type.Optional(
        Type.Array(Type.String(), {
          minItems: 1,
          description: 'The rule matches when that value is one of these (compared as text).',
        }),
      ),
      contains: Type.Optional(
        Type.String({
          minLength: 1,
          description: 'The rule matches when that value contains this text (any case).',
        }),
      ),
      action: oneOf(
        ERROR_ACTIONS,
        '`rate_limited`: a `429` (retried for every request within the budget, `Retry-After` honoured, never a breaker failure); `credentials_rejected`: a `401` (a session is renewed once first); `not_found`: "no such contact" for lookups and interaction streams (a failure elsewhere); `retryable`: tried again when the request is idempotent; `fail`: a `502` quoting the upstream’s message.',
      ),
    },
    {
      description:
        'How an upstream answer is read, by status and a predicate on its body (the first matching rule wins); answers no rule matches keep the defaults: `401`/`403` rejected credentials, `429` rate limited, `retry.statuses` retried, other failures a `502`.',
    },
  ),
);

export const ErrorsSchema = strict(
  {
    error_message_path: Type.Optional(
      template(
        'Path of the upstream’s error message in a failed answer (e.g. `[0].message`, `error.message`): quoted in the `502` (or an action’s `400`), credentials masked, control characters removed, at most 300 characters.',
      ),
    ),
    retry_after_headers: Type.Optional(
      Type.Array(Type.String({ pattern: "^[A-Za-z0-9!#$%&'*+.^_`|~-]+$" }), {
        minItems: 1,
        description:
          'Headers read, in order, for the wait a rate-limited answer asks for when it has no `Retry-After`, in the same syntax (seconds, or an HTTP date), e.g. Pipedrive’s `x-ratelimit-reset`. The wait is then honoured like a `Retry-After`: waited when it fits the request budget, else a `503` with that `Retry-After`.',
      }),
    ),
    rules: Type.Optional(
      Type.Array(ErrorRuleSchema, {
        description:
          'Classification of answers, e.g. Salesforce’s `403` `REQUEST_LIMIT_EXCEEDED` as rate limited.',
      }),
    ),
  },
  { description: 'How the upstream’s failed answers are classified and quoted.' },
);
