import { raceSignal, TimeBudget } from '../common/time-budget';

/** Why a page stopped early: its next batch could not finish in time. */
export const OUT_OF_TIME = Symbol('out of time');

/**
 * The deadline side of filling one sync page in several adapter calls. The first batch may use
 * the whole budget; once the page has something to answer with, every further batch must end
 * a reserve before the deadline (the last fifth, at most 1 s), else the page is answered with
 * what it has and a next_offset.
 */
export class PageFiller {
  private readonly reserveMs: number;
  private optional?: AbortSignal;

  constructor(private readonly budget: TimeBudget) {
    this.reserveMs = Math.min(1000, budget.totalMs / 5);
  }

  /**
   * Runs one batch under the right signal; OUT_OF_TIME when the page can be answered and the
   * batch would not finish in time (abandoned, or not started at all).
   */
  async batch<T>(
    answerable: boolean,
    call: (signal: AbortSignal) => Promise<T>,
  ): Promise<T | typeof OUT_OF_TIME> {
    if (answerable) {
      if (this.budget.nearlySpent(this.reserveMs)) return OUT_OF_TIME;
      this.optional ??= this.budget.signalBefore(this.reserveMs);
    }
    const signal = this.optional ?? this.budget.signal;
    try {
      return await raceSignal(call(signal), signal);
    } catch (error) {
      if (this.optional?.aborted) return OUT_OF_TIME;
      throw error;
    }
  }
}
