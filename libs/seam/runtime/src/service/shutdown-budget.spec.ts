import { describe, expect, it } from '@jest/globals';
import { ShutdownBudget } from './shutdown-budget.js';

describe('ShutdownBudget', () => {
  /** A budget read on a clock the test moves. */
  const budgetAt = (totalMs: number) => {
    const clock = { now: 5_000 };
    return { budget: new ShutdownBudget(totalMs, () => clock.now), clock };
  };
  const left = (budget: ShutdownBudget) => [
    budget.remainingFor('work'),
    budget.remainingFor('servers'),
    budget.remainingMs(),
  ];

  describe('remainingFor', () => {
    it('gives each stage what is left until its own end, leaving the last fifth for closing the databases', () => {
      const { budget, clock } = budgetAt(10_000);
      expect(left(budget)).toEqual([6_000, 8_000, 10_000]);
      clock.now += 7_000;
      expect(left(budget)).toEqual([0, 1_000, 3_000]);
      clock.now += 5_000;
      expect(left(budget)).toEqual([0, 0, 0]);
    });

    it('scales with the budget', () => {
      expect(left(budgetAt(30_000).budget)).toEqual([18_000, 24_000, 30_000]);
    });
  });

  describe('constructor', () => {
    it.each([0, -1, 1.5, Number.NaN])('refuses a budget of %p ms', (totalMs) => {
      expect(() => new ShutdownBudget(totalMs)).toThrow(RangeError);
    });
  });
});
