import { describe, expect, it } from '@jest/globals';
import { UnprocessableEntityException } from '@nestjs/common';
import { ConflictError, ValidationError } from '@seam/transport';
import { problemOf } from '../problems/problem-details.js';
import { IDEMPOTENCY_KEY_REUSED, idempotencyProblemOf } from './idempotency-reuse.js';

const context = { method: 'POST', path: '/api/orders', presentedCredentials: true };

describe('idempotencyProblemOf', () => {
  it("answers a reused key as a 422 problem with the module's message", () => {
    const reused = new ConflictError('This Idempotency-Key was already used for a different request', {
      reason: IDEMPOTENCY_KEY_REUSED,
    });
    const mapped = idempotencyProblemOf(reused);
    expect(mapped).toBeInstanceOf(UnprocessableEntityException);
    const problem = problemOf(mapped, context);
    expect(problem.type).toMatchObject({ status: 422, code: 'VALIDATION' });
    expect(problem.detail).toBe(reused.message);
  });

  it('leaves every other error alone, other conflicts included', () => {
    for (const error of [
      new ConflictError('Not enough stock', { reason: 'out-of-stock' }),
      new ConflictError('no reason'),
      new ValidationError('bad', [], { reason: IDEMPOTENCY_KEY_REUSED }),
      new Error(IDEMPOTENCY_KEY_REUSED),
      'a string',
    ])
      expect(idempotencyProblemOf(error)).toBe(error);
  });
});
