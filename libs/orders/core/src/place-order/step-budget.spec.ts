import { describe, expect, it } from '@jest/globals';
import { CallContext, DeadlineExceededError } from '@seam/transport';
import { COMPENSATION_BUDGET_MS, RESERVED_MS, STEP_TIMEOUT_MS, StepBudget } from './step-budget.js';

const callWith = (budgetMs: number) => CallContext.root({ budgetMs });

describe('StepBudget', () => {
  describe('forStep', () => {
    it('caps a step at STEP_TIMEOUT_MS when the caller gave plenty of time', () => {
      const call = callWith(60_000);
      expect(new StepBudget(call).forStep('reserve')).toEqual({ parent: call, timeoutMs: STEP_TIMEOUT_MS });
    });

    it('keeps RESERVED_MS of the caller’s budget back for the undo', () => {
      const timeoutMs = new StepBudget(callWith(RESERVED_MS + 500)).forStep('reserve').timeoutMs!;
      expect(timeoutMs).toBeLessThanOrEqual(500);
      expect(timeoutMs).toBeGreaterThan(400);
    });

    it('refuses to start a step that could only time out', () => {
      expect(() => new StepBudget(callWith(RESERVED_MS + 10)).forStep('capture')).toThrow(DeadlineExceededError);
    });
  });

  describe('forCompensation', () => {
    it('gives the undo its own budget on the caller’s trace, even when the caller has no time left', () => {
      const call = callWith(0);
      const options = new StepBudget(call).forCompensation();
      expect(options.timeoutMs).toBe(COMPENSATION_BUDGET_MS);
      expect(options.parent!.correlationId).toBe(call.correlationId);
      expect(options.parent!.remainingMs()).toBeGreaterThan(COMPENSATION_BUDGET_MS - 100);
    });
  });
});
