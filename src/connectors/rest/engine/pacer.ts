import { abortableSleep } from '../../../common/abortable-sleep';
import { remainingMsOf } from '../../../common/time-budget';
import { PacingCounters } from '../../ports/pacing-counters';
import { RetryableUpstreamError } from '../../ports/errors';

/** Time kept for the answer to leave: a wait that would end later is not waited. */
const RESERVE_MS = 50;
/** Most windows counted in memory when no shared counters are given (or they fail). */
const MAX_LOCAL_WINDOWS = 10_000;

/**
 * A paced request that would wait past what is left of its budget (less `reserveMs`): not
 * sent. A batch that has read something answers that instead (contacts-slices.ts).
 */
export class PacingRefusedError extends RetryableUpstreamError {
  constructor(message: string, retryAfterMs: number) {
    super(message, retryAfterMs, 'upstream_rate_limited');
  }
}

/** Counters in this process: the default, and the fallback while the shared store fails. */
export class LocalCounters implements PacingCounters {
  private readonly counts = new Map<string, { n: number; expiresAt: number }>();

  constructor(private readonly now: () => number = Date.now) {}

  increment(key: string, ttlMs: number): Promise<number> {
    const now = this.now();
    const entry = this.counts.get(key);
    const n = entry && entry.expiresAt > now ? entry.n + 1 : 1;
    this.counts.delete(key);
    this.counts.set(key, { n, expiresAt: now + ttlMs });
    if (this.counts.size > MAX_LOCAL_WINDOWS) {
      this.counts.delete(this.counts.keys().next().value as string);
    }
    return Promise.resolve(n);
  }
}

export interface PacerClock {
  now(): number;
  sleep(ms: number, signal: AbortSignal): Promise<void>;
}

const realClock: PacerClock = { now: Date.now, sleep: abortableSleep };

/**
 * The manifest's `pacing`: at most `requests` per `intervalMs` for one key (an account's
 * credentials hash), in fixed windows counted in `counters` (shared by the replicas with
 * Redis; in this process otherwise, or while the store fails). A request beyond the window's
 * share waits for the next window, within the request's budget.
 */
export class Pacer {
  private readonly local: LocalCounters;

  constructor(
    private readonly spec: { requests: number; intervalMs: number },
    private readonly counters?: PacingCounters,
    private readonly clock: PacerClock = realClock,
  ) {
    this.local = new LocalCounters(clock.now);
  }

  private async count(key: string): Promise<number> {
    const ttl = this.spec.intervalMs * 2;
    if (!this.counters) return this.local.increment(key, ttl);
    try {
      return await this.counters.increment(key, ttl);
    } catch {
      // The shared store is down: pace this replica alone rather than not at all.
      return this.local.increment(key, ttl);
    }
  }

  /**
   * Resolves when one more request for `key` fits its window; refuses (PacingRefusedError) a
   * wait that would leave less than `reserveMs` of the budget.
   */
  async acquire(key: string, signal: AbortSignal, reserveMs = RESERVE_MS): Promise<void> {
    const { requests, intervalMs } = this.spec;
    for (;;) {
      const now = this.clock.now();
      const window = Math.floor(now / intervalMs);
      if ((await this.count(`${key}:${window}`)) <= requests) return;
      const wait = (window + 1) * intervalMs - now;
      const remaining = remainingMsOf(signal);
      if (remaining !== undefined && wait + Math.max(reserveMs, RESERVE_MS) >= remaining) {
        throw new PacingRefusedError(
          `The manifest's pacing allows ${requests} requests per ${intervalMs} ms to this account, spent for now`,
          wait,
        );
      }
      await this.clock.sleep(wait, signal);
    }
  }
}
