import { describe, expect, it } from 'vitest';
import { RestartBudget } from './restart-budget';

describe('RestartBudget', () => {
  it('allows max restarts within the window, refuses the next, and frees each as it leaves the window', () => {
    const budget = new RestartBudget(2, 1000);
    expect([budget.take(0), budget.take(100), budget.take(200)]).toEqual([true, true, false]);
    expect(budget.used(200)).toBe(2);
    // The first leaves the window at 1000 ms after it.
    expect(budget.take(1001)).toBe(true);
    expect(budget.take(1050)).toBe(false);
    expect(budget.used(5000)).toBe(0);
  });
});
