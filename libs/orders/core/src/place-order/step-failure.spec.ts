import { describe, expect, it } from '@jest/globals';
import {
  ConflictError,
  DeadlineExceededError,
  ForbiddenError,
  InternalError,
  NotFoundError,
  UnavailableError,
  ValidationError,
} from '@seam/transport';
import { runStep, StepFailed } from './step-failure.js';

const failureOf = async (step: StepFailed['step'], error: unknown): Promise<StepFailed> => {
  const caught = await runStep(step, () => Promise.reject(error)).catch((thrown: unknown) => thrown);
  expect(caught).toBeInstanceOf(StepFailed);
  return caught as StepFailed;
};

describe('step failure', () => {
  describe('runStep', () => {
    it('answers what the call answers', async () => {
      await expect(runStep('price', async () => 42)).resolves.toBe(42);
    });

    it('names the sku a reservation could not cover', async () => {
      expect(
        (await failureOf('reserve', new ConflictError('short', { sku: 'A-1', requested: 3, available: 1 }))).reason,
      ).toBe('out of stock: A-1');
      expect((await failureOf('reserve', new NotFoundError('no such sku', { sku: 'B-2' }))).reason).toBe(
        'unknown product: B-2',
      );
    });

    it.each([
      ['authorize', new UnavailableError('down')],
      ['capture', new DeadlineExceededError('late')],
      ['commit', new ConflictError('released')],
      ['reserve', new ValidationError('bad')],
    ] as const)('says which step failed and its code (%s)', async (step, error) => {
      expect((await failureOf(step, error)).reason).toBe(`${step} failed: ${error.code}`);
    });

    it('turns a non-Seam error into an Internal one', async () => {
      expect((await failureOf('price', new TypeError('bug'))).reason).toBe('price failed: INTERNAL');
    });
  });

  describe('uncertain', () => {
    it.each([new UnavailableError('x'), new DeadlineExceededError('x'), new InternalError('x')])(
      'is true when the callee may have acted (%p)',
      (error) => {
        expect(new StepFailed('authorize', error).uncertain).toBe(true);
      },
    );

    it.each([new ConflictError('x'), new NotFoundError('x'), new ValidationError('x'), new ForbiddenError('x')])(
      'is false for a definite refusal (%p)',
      (error) => {
        expect(new StepFailed('authorize', error).uncertain).toBe(false);
      },
    );
  });
});
