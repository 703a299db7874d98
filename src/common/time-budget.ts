import { performance } from 'node:perf_hooks';

/** Deadline (performance.now() ms) of each signal a budget hands out, for whoever only holds the signal. */
const deadlines = new WeakMap<AbortSignal, number>();

/**
 * Milliseconds left before `signal` aborts, when it came from a TimeBudget; undefined for any
 * other signal. Lets a layer that only receives CallOptions (the upstream guard) decide whether
 * a retry still fits.
 */
export function remainingMsOf(signal: AbortSignal): number | undefined {
  const deadline = deadlines.get(signal);
  return deadline === undefined ? undefined : Math.max(0, deadline - performance.now());
}

/** The error a budget's signals abort with. */
export class DeadlineError extends Error {
  override readonly name = 'TimeoutError';
}

function signalAt(deadline: number, timers: NodeJS.Timeout[], parent?: AbortSignal): AbortSignal {
  const controller = new AbortController();
  const fire = () =>
    controller.abort(parent?.reason ?? new DeadlineError('The time budget is spent'));
  const timer = setTimeout(fire, Math.max(1, Math.ceil(deadline - performance.now())));
  timer.unref();
  timers.push(timer);
  parent?.addEventListener('abort', fire, { once: true });
  controller.signal.addEventListener('abort', () => clearTimeout(timer), { once: true });
  deadlines.set(controller.signal, deadline);
  return controller.signal;
}

/**
 * The time a request may still spend. Created when the request arrives; its signal aborts
 * when the budget is spent, and adapters pass it to whatever I/O they start.
 */
export class TimeBudget {
  private readonly deadline: number;
  private readonly timers: NodeJS.Timeout[] = [];
  readonly signal: AbortSignal;

  constructor(
    readonly totalMs: number,
    startedAt: number = performance.now(),
  ) {
    this.deadline = startedAt + totalMs;
    this.signal = signalAt(this.deadline, this.timers);
  }

  remainingMs(): number {
    return Math.max(0, this.deadline - performance.now());
  }

  /** True when less than `reserveMs` is left: time to answer with what there is. */
  nearlySpent(reserveMs: number): boolean {
    return this.remainingMs() <= reserveMs;
  }

  /**
   * A signal that aborts `reserveMs` before the budget ends (or with it): for work whose result
   * is optional, such as one more batch of a page that can be answered without it.
   */
  signalBefore(reserveMs: number): AbortSignal {
    return signalAt(this.deadline - reserveMs, this.timers, this.signal);
  }

  /**
   * Stops the clock: the signals handed out never abort. For a request whose answer has been
   * sent, which has nothing left to cut short. A pending timer keeps its signal, listeners and
   * controller alive for the whole budget (thousands of them at a few hundred requests a
   * second, all promoted to the old generation) and makes an error with a stack trace when it
   * fires.
   */
  release(): void {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.length = 0;
  }
}

/**
 * The promise's outcome, or a rejection with the signal's reason as soon as it aborts, for
 * callees that ignore their signal. A late outcome of `promise` is dropped (never unhandled).
 */
export function raceSignal<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) {
    promise.catch(() => undefined);
    return Promise.reject(signal.reason as Error);
  }
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason as Error);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error as Error);
      },
    );
  });
}

/** True for the errors an aborted signal produces (ours, AbortSignal.timeout's, fetch's). */
export function isAbortError(error: unknown): boolean {
  return (
    error instanceof DeadlineError ||
    (error instanceof Error && (error.name === 'AbortError' || error.name === 'TimeoutError'))
  );
}
