/** What one attempt at a call of the external system came to. */
export type UpstreamOutcome =
  /** The adapter answered. */
  | 'success'
  /** The adapter answered with the caller's business: rejected credentials or action, bad position. */
  | 'rejected'
  /** The external system failed (an UpstreamError, retryable or not, or an unexpected error). */
  | 'error'
  /** The external system asked to slow down (HTTP 429: `upstream_rate_limited`), retried or not. */
  | 'rate_limited'
  /** The request's budget ran out before the adapter answered. */
  | 'timeout'
  /** The circuit breaker refused the call: the adapter was not called. */
  | 'short_circuited';

export type BreakerState = 'closed' | 'open' | 'half-open';

/**
 * Watches the calls the connectors make (to count calls, latencies, retries and read the circuit
 * breaker). An abstract class, so it is also the injection token: whoever wants to know (the
 * metrics module) binds it, and the connectors module takes it when bound, without importing
 * the one who watches. Its methods must not throw.
 */
export abstract class UpstreamObserver {
  /** One attempt ended (`operation` is `port.method`); `seconds` is how long it took. */
  abstract attempt(operation: string, outcome: UpstreamOutcome, seconds: number): void;
  /** A failed attempt is about to be retried. */
  abstract retry(operation: string): void;
  /** Handed once a way to read the circuit breaker's state, whenever the observer likes. */
  watchCircuitBreaker?(state: () => BreakerState): void;
}
