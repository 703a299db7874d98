import {
  CredentialsRejectedError,
  RetryableUpstreamError,
  UpstreamError,
} from '../../ports/errors';
import { httpStatusCode } from '../../resilience/http-upstream';
import { parseRetryAfter } from '../../resilience/retry-after';
import { CompiledErrorRule, CompiledManifest } from '../manifest/compiled';
import { JsonPath } from '../manifest/paths';
import { textOf } from '../manifest/template';
import { UpstreamAnswer } from './http';
import { Secrets } from './secrets';

/** Longest upstream message quoted in an error. */
export const MAX_QUOTED_MESSAGE = 300;

/** What the exchange does with an answer. */
export type Verdict =
  | { kind: 'answer'; notFound?: boolean }
  /** Credentials that can be renewed (a session) were refused: renew them, send once more. */
  | { kind: 'renew' }
  | { kind: 'error'; error: Error };

export interface VerdictContext {
  label: string;
  idempotent: boolean;
  /** Statuses answered to the caller rather than raised (besides 2xx). */
  accept?: ReadonlySet<number>;
  /** Whether the caller reads "no such contact" (lookups, interaction streams). */
  acceptNotFound?: boolean;
  /** Whether the credentials can be renewed once (not yet renewed for this request). */
  canRenew: boolean;
  secrets: Secrets;
}

/**
 * The upstream's message at `path` in a failed answer, as it may be quoted: credentials
 * masked, control characters and runs of white space made one space, at most 300 characters.
 */
export function quotedMessage(
  path: JsonPath | undefined,
  body: unknown,
  secrets: Secrets,
): string | undefined {
  if (!path || body === null || body === undefined) return undefined;
  let value: unknown;
  try {
    value = path.get(body);
  } catch {
    return undefined;
  }
  if (value === undefined || value === null || value === '') return undefined;
  const text = secrets
    .mask(textOf(value))
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]+/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  if (text === '') return undefined;
  return text.length > MAX_QUOTED_MESSAGE ? `${text.slice(0, MAX_QUOTED_MESSAGE - 1)}…` : text;
}

/**
 * The wait an answer asks for: its `Retry-After`, else the first readable header of the
 * manifest's `retry_after_headers` (vendors such as Pipedrive say it only there).
 */
export function retryAfterOf(
  manifest: CompiledManifest,
  answer: UpstreamAnswer,
): number | undefined {
  const said = parseRetryAfter(answer.headers['retry-after']);
  if (said !== undefined) return said;
  for (const name of manifest.retryAfterHeaders) {
    const ms = parseRetryAfter(answer.headers[name]);
    if (ms !== undefined) return ms;
  }
  return undefined;
}

/** The first rule of the manifest that matches the answer (status, then the predicate). */
export function matchingRule(
  rules: readonly CompiledErrorRule[],
  answer: UpstreamAnswer,
): CompiledErrorRule | undefined {
  for (const rule of rules) {
    if (!rule.statuses.has(answer.status)) continue;
    if (!rule.oneOf && rule.contains === undefined) return rule;
    let value: unknown;
    try {
      value = rule.path ? rule.path.get(answer.body) : answer.body;
    } catch {
      continue;
    }
    if (value === undefined || value === null) continue;
    const text = textOf(value);
    if (rule.oneOf && !rule.oneOf.includes(text)) continue;
    if (rule.contains !== undefined && !text.toLowerCase().includes(rule.contains)) continue;
    return rule;
  }
  return undefined;
}

/**
 * How an answer is read: the manifest's `errors.rules` first, then the defaults: 2xx and
 * `accept` answered; 401/403 rejected credentials (renewed once when they can be); 429 rate
 * limited, and `retry.statuses` retried for idempotent requests, with the upstream's
 * Retry-After; anything else a failure naming the status and quoting the upstream's message.
 */
export function verdictOf(
  manifest: CompiledManifest,
  answer: UpstreamAnswer,
  context: VerdictContext,
): Verdict {
  const { status } = answer;
  const rule = matchingRule(manifest.errorRules, answer);
  const failed = (): string => {
    const quote = quotedMessage(manifest.errorMessagePath, answer.body, context.secrets);
    return `The external system answered HTTP ${status} to the ${context.label} request${quote ? `: ${quote}` : ''}`;
  };
  const rejected = (): Verdict =>
    context.canRenew
      ? { kind: 'renew' }
      : {
          kind: 'error',
          error: new CredentialsRejectedError(
            `The external system rejected the credentials (HTTP ${status} to the ${context.label} request)`,
          ),
        };
  const retryAfter = () => retryAfterOf(manifest, answer);
  if (rule) {
    switch (rule.action) {
      case 'credentials_rejected':
        return rejected();
      case 'rate_limited':
        return {
          kind: 'error',
          error: new RetryableUpstreamError(failed(), retryAfter(), 'upstream_rate_limited'),
        };
      case 'retryable':
        return {
          kind: 'error',
          error: context.idempotent
            ? new RetryableUpstreamError(failed(), retryAfter(), 'upstream_failed')
            : new UpstreamError(failed(), false, 'upstream_failed'),
        };
      case 'not_found':
        return context.acceptNotFound
          ? { kind: 'answer', notFound: true }
          : { kind: 'error', error: new UpstreamError(failed(), false, 'upstream_failed') };
      case 'fail':
        return { kind: 'error', error: new UpstreamError(failed(), false, 'upstream_failed') };
    }
  }
  if ((status === 401 || status === 403) && context.canRenew) return { kind: 'renew' };
  if (context.accept?.has(status) || (status >= 200 && status < 300)) return { kind: 'answer' };
  if (status === 401 || status === 403) return rejected();
  const code = httpStatusCode(status);
  if (status === 429 || (context.idempotent && manifest.retryStatuses.has(status))) {
    return { kind: 'error', error: new RetryableUpstreamError(failed(), retryAfter(), code) };
  }
  return { kind: 'error', error: new UpstreamError(failed(), false, code) };
}
