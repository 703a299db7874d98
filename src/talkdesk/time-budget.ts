import { performance } from 'node:perf_hooks';

/**
 * The time a request may still spend. Created when the request arrives; its signal aborts
 * when the budget is spent, and adapters pass it to whatever I/O they start.
 */
export class TimeBudget {
  private readonly deadline: number;
  readonly signal: AbortSignal;

  constructor(
    readonly totalMs: number,
    startedAt: number = performance.now(),
  ) {
    this.deadline = startedAt + totalMs;
    this.signal = AbortSignal.timeout(Math.max(1, Math.ceil(this.remainingMs())));
  }

  remainingMs(): number {
    return Math.max(0, this.deadline - performance.now());
  }

  /** True when less than `reserveMs` is left: time to answer with what there is. */
  nearlySpent(reserveMs: number): boolean {
    return this.remainingMs() <= reserveMs;
  }
}
