import { describe, expect, it } from '@jest/globals';
import { ErrorCode } from '@seam/transport';
import { problemOf } from '../problems/problem-details.js';
import { PROBLEM_TYPES } from '../problems/problem-types.js';
import { retryAfter, TooManyRequestsException } from './too-many-requests.js';

describe('TooManyRequestsException', () => {
  it('is answered as the too-many-requests problem, its detail shown and nothing logged', () => {
    const problem = problemOf(new TooManyRequestsException('Too many failed attempts; try again in 4 s'), {
      method: 'POST',
      path: '/api/auth/login',
      presentedCredentials: false,
    });
    expect(problem.type).toBe(PROBLEM_TYPES.tooManyRequests);
    expect(problem.type).toMatchObject({ status: 429, code: ErrorCode.Unavailable });
    expect(problem.detail).toBe('Too many failed attempts; try again in 4 s');
    expect(problem.log).toBeUndefined();
  });
});

describe('retryAfter', () => {
  it('gives whole seconds, rounded up, never less than 1', () => {
    expect([0, 0.2, 1, 1.01, 59.5].map(retryAfter)).toEqual(['1', '1', '1', '2', '60']);
  });
});
