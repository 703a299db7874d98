import { createHash } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { Logger } from '@nestjs/common';
import {
  BrokenCircuitError,
  CircuitBreakerPolicy,
  CircuitState,
  ConsecutiveBreaker,
  circuitBreaker,
  handleWhen,
} from 'cockatiel';
import { abortableSleep } from '../../common/abortable-sleep';
import { isAbortError, raceSignal, remainingMsOf } from '../../common/time-budget';
import {
  ActionRejectedError,
  CredentialsRejectedError,
  InvalidPositionError,
  RetryableUpstreamError,
  UpstreamError,
  UpstreamUnavailableError,
} from '../ports/errors';
import type { BreakerState, UpstreamObserver, UpstreamOutcome } from '../ports/upstream-observer';
import type { TraceSpan, UpstreamTracer } from '../ports/upstream-tracer';
import { CallOptions } from '../ports';
import { formatRetryAfter } from './retry-after';

export interface UpstreamGuardOptions {
  /** Extra attempts after a RetryableUpstreamError (0: none). */
  retries: number;
  /** Backoff ceiling of the first retry; it doubles per attempt (full jitter below it). */
  baseDelayMs: number;
  /** Largest backoff ceiling (a Retry-After from the upstream may ask for more). */
  maxDelayMs: number;
  /** Consecutive failures that open the breaker; 0 disables it. */
  breakerThreshold: number;
  /** How long the open breaker refuses calls before letting one trial call through. */
  breakerCooldownMs: number;
  /** Turns an adapter's own errors (driver codes, HTTP statuses) into UpstreamError and its subclasses. */
  classify?: (error: unknown) => unknown;
  /** Source of jitter in [0, 1); tests pin it. */
  random?: () => number;
  /** Told of every attempt and retry (metrics); must not throw. */
  observer?: UpstreamObserver;
  /** Traces each call and each of its attempts (when tracing is on). */
  tracer?: UpstreamTracer;
}

/** The caller's business rather than a failure of the external system. */
function isRejection(error: unknown): boolean {
  return (
    error instanceof CredentialsRejectedError ||
    error instanceof ActionRejectedError ||
    error instanceof InvalidPositionError
  );
}

function outcomeOf(error: unknown): UpstreamOutcome {
  if (error instanceof UpstreamError) {
    if (error.timeout) return 'timeout';
    return error.code === 'upstream_rate_limited' ? 'rate_limited' : 'error';
  }
  return isRejection(error) ? 'rejected' : 'error';
}

/**
 * Keeps a retry from starting when less than this (besides its wait and an attempt) is left: the
 * answer still needs time to leave, and a busy event loop wakes from the wait late.
 */
const RETRY_RESERVE_MS = 250;

/**
 * Retries beyond `retries` of an upstream asking to slow down (a 429, with or without
 * Retry-After): they go on, at the wait it asks for or with growing waits, as long as the
 * budget allows.
 */
const EXTRA_RATE_LIMIT_RETRIES = 8;

/** Breakers of upstreams and accounts kept (the least recently used are forgotten). */
const MAX_ACCOUNT_BREAKERS = 10_000;

/** A 429 (or a rate limit the manifest names): the upstream is fine, it asks to slow down. */
const isRateLimit = (error: unknown) =>
  error instanceof UpstreamError && error.code === 'upstream_rate_limited';

interface Breaker {
  policy: CircuitBreakerPolicy;
  openedAt: number;
}

/**
 * The breaker key of a port call: the upstream origin and a hash of the account of its first
 * argument that is an AccountRef (an account reached at two origins has two breakers, and two
 * accounts on one origin too).
 */
export function breakerKeyOf(args: unknown[]): string | undefined {
  for (const arg of args) {
    if (typeof arg !== 'object' || arg === null) continue;
    const { key, upstream } = arg as { key?: unknown; upstream?: unknown };
    if (typeof key !== 'string') continue;
    const account = createHash('sha256').update(key).digest('hex').slice(0, 32);
    return `${typeof upstream === 'string' ? upstream : ''} ${account}`;
  }
  return undefined;
}

function stateOf(policy: CircuitBreakerPolicy | undefined): BreakerState {
  switch (policy?.state) {
    case CircuitState.Open:
    case CircuitState.Isolated:
      return 'open';
    case CircuitState.HalfOpen:
      return 'half-open';
    default:
      return 'closed';
  }
}

/**
 * The resilience layer between the Talkdesk features and an external system: every port call
 * goes through `call`, which
 *
 * - answers at the caller's deadline even when the adapter ignores its signal,
 * - retries RetryableUpstreamError with exponential backoff and full jitter, honouring the
 *   upstream's Retry-After, and never sleeps past the request's budget; a rate limit that does
 *   not say how long (a 429 without Retry-After) is asked again, more slowly each time, for as
 *   long as the budget allows,
 * - counts upstream failures (UpstreamError, timeouts included; never rate limits) in a circuit
 *   breaker per upstream and account (the origin the call's AccountRef names and a hash of its
 *   key; one shared breaker for calls without one): after
 *   `breakerThreshold` consecutive failures it refuses that account's calls at once with
 *   UpstreamUnavailableError (503 + Retry-After) for `breakerCooldownMs`, then lets one trial
 *   call through (half-open), which closes it again or re-opens it.
 *
 * Errors that are the caller's business (rejected credentials or actions, bad positions) pass
 * through untouched and do not count as failures. One guard serves one external system.
 */
export class UpstreamGuard {
  private readonly logger = new Logger('UpstreamGuard');
  /** The breaker of calls for no account (credential checks, probes). */
  private readonly shared?: Breaker;
  /** One breaker per account: one account's failing upstream pauses only that account. */
  private readonly accounts = new Map<string, Breaker>();
  /**
   * The account whose breaker was used last, i.e. the last entry of `accounts`. Its breaker is
   * already the most recently used and is not moved: moving an entry (delete, then set) on every
   * call made V8 rebuild the map's table every few calls, and a long-lived map's new table is
   * allocated straight in the old generation (~0.4 MB a second of garbage there at 50 connections
   * on interaction retrieval, ~3,000 requests a second, which only a full collection frees).
   */
  private newestAccount?: string;

  constructor(private readonly options: UpstreamGuardOptions) {
    if (options.breakerThreshold > 0) this.shared = this.newBreaker('');
  }

  private newBreaker(account: string): Breaker {
    const { breakerThreshold, breakerCooldownMs } = this.options;
    const breaker: Breaker = {
      // Rate limits are not failures: the upstream answers, it asks to slow down.
      policy: circuitBreaker(
        handleWhen((error) => error instanceof UpstreamError && !isRateLimit(error)),
        {
          halfOpenAfter: breakerCooldownMs,
          breaker: new ConsecutiveBreaker(breakerThreshold),
        },
      ),
      openedAt: 0,
    };
    const whose = account ? ' for one account' : '';
    breaker.policy.onBreak(() => {
      breaker.openedAt = Date.now();
      this.logger.error(
        `Circuit breaker${whose} opened after ${breakerThreshold} consecutive upstream failures: refusing calls for ${breakerCooldownMs} ms`,
      );
    });
    breaker.policy.onHalfOpen(() =>
      this.logger.warn(`Circuit breaker${whose} half-open: one trial call`),
    );
    breaker.policy.onReset(() =>
      this.logger.log(`Circuit breaker${whose} closed: the upstream answers`),
    );
    return breaker;
  }

  private breakerFor(account: string | undefined): Breaker | undefined {
    if (!this.shared || account === undefined) return this.shared;
    let breaker = this.accounts.get(account);
    if (breaker !== undefined && account === this.newestAccount) return breaker;
    if (breaker) {
      this.accounts.delete(account);
    } else {
      breaker = this.newBreaker(account);
      if (this.accounts.size >= MAX_ACCOUNT_BREAKERS) {
        this.accounts.delete(this.accounts.keys().next().value as string);
      }
    }
    this.accounts.set(account, breaker);
    this.newestAccount = account;
    return breaker;
  }

  /** The worst state among the breakers: open when any account's (or the shared one) is. */
  get state(): BreakerState {
    const states = [this.shared, ...this.accounts.values()].map((b) => stateOf(b?.policy));
    return states.includes('open') ? 'open' : states.includes('half-open') ? 'half-open' : 'closed';
  }

  /**
   * Runs `fn` (one call into the adapter) under the guard; `options` carries the caller's
   * deadline. Traced, the call is a span (`upstream <operation>`) and each attempt a child span
   * (`upstream attempt`, numbered from 1: attempt 2 is the first retry) holding the adapter's own
   * spans.
   */
  call<T>(
    operation: string,
    fn: () => Promise<T>,
    options: CallOptions,
    account?: string,
  ): Promise<T> {
    const { tracer } = this.options;
    const breaker = this.breakerFor(account);
    if (!tracer) return this.run(operation, fn, options, breaker);
    return tracer.span(
      `upstream ${operation}`,
      { 'bridge.upstream.operation': operation },
      (span) => this.run(operation, fn, options, breaker, span),
    );
  }

  private async run<T>(
    operation: string,
    fn: () => Promise<T>,
    { signal }: CallOptions,
    breaker: Breaker | undefined,
    span?: TraceSpan,
  ): Promise<T> {
    let delayMs = 0;
    for (let attempt = 0; ; attempt++) {
      if (signal.aborted) throw this.timeoutError(operation);
      span?.setAttributes({ 'bridge.upstream.attempts': attempt + 1 });
      let error: unknown;
      const startedAt = performance.now();
      try {
        return await this.tracedAttempt(operation, fn, signal, breaker, attempt, delayMs);
      } catch (caught) {
        error = caught;
      }
      const attemptMs = performance.now() - startedAt;
      if (!(error instanceof RetryableUpstreamError) || signal.aborted) throw error;
      // A 429 is no failure of the upstream: it is asked again while the budget lasts, at the
      // wait it named (a window's reset can take several when others share the window), or
      // without one, more and more slowly.
      const rateLimited = isRateLimit(error);
      const unsaid = rateLimited && error.retryAfterMs === undefined;
      if (attempt >= this.options.retries + (rateLimited ? EXTRA_RATE_LIMIT_RETRIES : 0)) {
        throw new UpstreamError(
          `${error.message} (gave up after ${attempt + 1} attempt${attempt ? 's' : ''})`,
          false,
          error.code,
        );
      }
      const backoff = this.backoffMs(attempt, unsaid);
      const delay = Math.max(backoff, error.retryAfterMs ?? 0);
      const remaining = remainingMsOf(signal);
      // A retry is started only when the budget holds its wait and an attempt as long as this
      // one: one cut off by the deadline would turn the upstream's answer into a bare 504.
      if (remaining !== undefined && delay + attemptMs + RETRY_RESERVE_MS >= remaining) {
        if (error.retryAfterMs !== undefined && error.retryAfterMs >= backoff) {
          throw new UpstreamUnavailableError(
            `The external system asked to retry in ${formatRetryAfter(error.retryAfterMs)} s, past this request's deadline: ${error.message}`,
            error.retryAfterMs,
          );
        }
        throw new UpstreamError(
          `${error.message} (no time left in the request budget to retry)`,
          false,
          error.code,
        );
      }
      this.options.observer?.retry(operation);
      this.logger.warn(
        `${operation} failed (${error.message}); retry ${attempt + 1} of ${this.options.retries} in ${Math.round(delay)} ms`,
      );
      try {
        await abortableSleep(delay, signal);
      } catch {
        throw this.timeoutError(operation);
      }
      delayMs = delay;
    }
  }

  /** One attempt, in a span of its own when traced; `delayMs`: the backoff waited before it. */
  private tracedAttempt<T>(
    operation: string,
    fn: () => Promise<T>,
    signal: AbortSignal,
    breaker: Breaker | undefined,
    attempt: number,
    delayMs: number,
  ): Promise<T> {
    const { tracer } = this.options;
    if (!tracer) return this.attempt(operation, fn, signal, breaker);
    const attributes: Record<string, string | number> = {
      'bridge.upstream.operation': operation,
      'bridge.upstream.attempt': attempt + 1,
    };
    if (attempt > 0) attributes['bridge.upstream.retry_delay_ms'] = Math.round(delayMs);
    return tracer.span('upstream attempt', attributes, (span) =>
      this.attempt(operation, fn, signal, breaker, span),
    );
  }

  /**
   * The port with every method that takes CallOptions (its last argument) run through `call`;
   * other members (definitions, lifecycle hooks) are the port's own.
   */
  protect<T extends object>(port: T, name: string): T {
    return new Proxy(port, {
      get: (target, property, receiver) => {
        const value: unknown = Reflect.get(target, property, receiver);
        if (typeof value !== 'function' || typeof property !== 'string') return value;
        const method = value as (...args: unknown[]) => Promise<unknown>;
        return (...args: unknown[]) => {
          const options = args[args.length - 1] as Partial<CallOptions> | undefined;
          if (!(options?.signal instanceof AbortSignal)) return method.apply(target, args);
          return this.call(
            `${name}.${property}`,
            () => method.apply(target, args),
            options as CallOptions,
            breakerKeyOf(args),
          );
        };
      },
    });
  }

  private async attempt<T>(
    operation: string,
    fn: () => Promise<T>,
    signal: AbortSignal,
    breaker: Breaker | undefined,
    span?: TraceSpan,
  ) {
    const started = performance.now();
    let outcome: UpstreamOutcome = 'success';
    const run = async () => {
      try {
        // The adapter's own promise is raced against the deadline: a late answer is dropped.
        return await raceSignal(Promise.resolve().then(fn), signal);
      } catch (error) {
        const classified = this.classify(operation, error, signal);
        outcome = outcomeOf(classified);
        throw classified;
      }
    };
    try {
      if (!breaker) return await run();
      try {
        return await breaker.policy.execute(run);
      } catch (error) {
        if (error instanceof BrokenCircuitError) {
          outcome = 'short_circuited';
          const left = this.options.breakerCooldownMs - (Date.now() - breaker.openedAt);
          throw new UpstreamUnavailableError(
            'The external system is failing: calls to it are paused by the circuit breaker',
            Math.max(1000, left),
          );
        }
        throw error;
      }
    } finally {
      span?.setAttributes({ 'bridge.upstream.outcome': outcome });
      this.options.observer?.attempt(operation, outcome, (performance.now() - started) / 1000);
    }
  }

  private classify(operation: string, error: unknown, signal: AbortSignal): unknown {
    if (signal.aborted && (isAbortError(error) || error === signal.reason)) {
      return this.timeoutError(operation);
    }
    return this.options.classify ? this.options.classify(error) : error;
  }

  private timeoutError(operation: string): UpstreamError {
    return new UpstreamError(
      `The external system did not answer in time (${operation}, request budget spent)`,
      true,
      'deadline_exceeded',
    );
  }

  /**
   * Full jitter: uniform in [0, min(max, base * 2^attempt)); for a rate limit that says not
   * how long, in [ceiling / 2, ceiling), so that each wait really slows down.
   */
  private backoffMs(attempt: number, rateLimited = false): number {
    const ceiling = Math.min(this.options.maxDelayMs, this.options.baseDelayMs * 2 ** attempt);
    const random = (this.options.random ?? Math.random)();
    return rateLimited ? ceiling / 2 + (random * ceiling) / 2 : random * ceiling;
  }
}
