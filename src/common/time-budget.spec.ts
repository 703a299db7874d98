import { setTimeout as sleep } from 'node:timers/promises';
import { DeadlineError, TimeBudget } from './time-budget';

describe('TimeBudget', () => {
  it('aborts its signals when the budget is spent', async () => {
    const budget = new TimeBudget(20);
    const optional = budget.signalBefore(10);
    await sleep(60);
    expect(optional.aborted).toBe(true);
    expect(budget.signal.aborted).toBe(true);
    expect(budget.signal.reason).toBeInstanceOf(DeadlineError);
  });

  it('never aborts the signals of a released budget', async () => {
    const budget = new TimeBudget(20);
    const optional = budget.signalBefore(10);
    budget.release();
    await sleep(60);
    expect(optional.aborted).toBe(false);
    expect(budget.signal.aborted).toBe(false);
  });

  it('releases the signals handed out after an earlier release too', async () => {
    const budget = new TimeBudget(20);
    budget.release();
    const optional = budget.signalBefore(10);
    budget.release();
    await sleep(60);
    expect(optional.aborted).toBe(false);
  });
});
