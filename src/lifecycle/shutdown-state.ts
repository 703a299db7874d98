import { Injectable } from '@nestjs/common';

/**
 * Whether the process is shutting down, and how many requests are in flight. Readiness fails
 * as soon as draining starts; the graceful shutdown waits for the in-flight count to reach 0.
 */
@Injectable()
export class ShutdownState {
  private drainingSince?: number;
  private active = 0;
  private idleWaiters: (() => void)[] = [];

  get draining(): boolean {
    return this.drainingSince !== undefined;
  }

  get inFlight(): number {
    return this.active;
  }

  beginDraining(): void {
    this.drainingSince ??= Date.now();
  }

  requestStarted(): void {
    this.active++;
  }

  requestEnded(): void {
    this.active = Math.max(0, this.active - 1);
    if (this.active === 0) {
      const waiters = this.idleWaiters;
      this.idleWaiters = [];
      for (const wake of waiters) wake();
    }
  }

  /** Resolves true once no request is in flight, or false after `timeoutMs`. */
  whenIdle(timeoutMs: number): Promise<boolean> {
    if (this.active === 0) return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve(false), timeoutMs);
      this.idleWaiters.push(() => {
        clearTimeout(timer);
        resolve(true);
      });
    });
  }
}
