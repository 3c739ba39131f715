import { describe, expect, it } from '@jest/globals';
import { ErrorCode, isErrorCode } from './error-codes.js';

describe('ErrorCode', () => {
  describe('isErrorCode', () => {
    it('accepts exactly the ten stable codes', () => {
      const codes = Object.values(ErrorCode);
      expect(codes).toEqual([
        'VALIDATION',
        'NOT_FOUND',
        'CONFLICT',
        'UNAUTHORIZED',
        'FORBIDDEN',
        'PERMISSION_DENIED',
        'UNAUTHENTICATED',
        'UNAVAILABLE',
        'DEADLINE_EXCEEDED',
        'INTERNAL',
      ]);
      expect(codes.every(isErrorCode)).toBe(true);
    });

    it.each([
      ['validation'],
      ['NotFound'],
      [' INTERNAL'],
      ['toString'],
      ['__proto__'],
      [''],
      [1],
      [null],
      [undefined],
      [{}],
      [['INTERNAL']],
    ])('rejects %p', (value) => {
      expect(isErrorCode(value)).toBe(false);
    });
  });
});
