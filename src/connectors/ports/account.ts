/** The authentication fields Talkdesk stores for an account and sends in every request. */
export type AuthFields = Record<string, unknown>;

/**
 * An account of the external system, resolved from `auth` by the adapter. `key` identifies it
 * without revealing the credentials: caches and idempotency records are keyed by it.
 * Adapters extend it with what they need to reach the account's data.
 */
export interface AccountRef {
  readonly key: string;
  /**
   * The origin (`https://acme.zendesk.com`) of the external system the account's calls go to,
   * when the adapter knows it: circuit breakers are kept per upstream and account.
   */
  readonly upstream?: string;
}

/** What every call into an adapter carries: its deadline, as an abort signal. */
export interface CallOptions {
  readonly signal: AbortSignal;
}
