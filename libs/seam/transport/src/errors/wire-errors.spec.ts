import { describe, expect, it } from '@jest/globals';
import { ErrorCode } from './error-codes.js';
import {
  ConflictError,
  DeadlineExceededError,
  ForbiddenError,
  PermissionDeniedError,
  InternalError,
  NotFoundError,
  UnauthorizedError,
  UnavailableError,
  ValidationError,
} from './seam-error.js';
import { errorFromWire, isWireError, NEST_NO_HANDLER_MESSAGE, unknownPatternError } from './wire-errors.js';

describe('wire-errors', () => {
  describe('errorFromWire', () => {
    it.each([
      [ErrorCode.NotFound, NotFoundError],
      [ErrorCode.Conflict, ConflictError],
      [ErrorCode.Unauthorized, UnauthorizedError],
      [ErrorCode.Forbidden, ForbiddenError],
      [ErrorCode.PermissionDenied, PermissionDeniedError],
      [ErrorCode.Unavailable, UnavailableError],
      [ErrorCode.DeadlineExceeded, DeadlineExceededError],
      [ErrorCode.Internal, InternalError],
      [ErrorCode.Validation, ValidationError],
    ])('restores %s as an instance of %p with its message and details', (code, Class) => {
      const error = errorFromWire({ code, message: 'What went wrong', details: { id: 'o-1', n: [1, 2] } });
      expect(error).toBeInstanceOf(Class);
      expect(error.code).toBe(code);
      expect(error.message).toBe('What went wrong');
      expect(error.details).toMatchObject({ id: 'o-1', n: [1, 2] });
    });

    it('restores the fields of a validation error', () => {
      const fields = [{ path: 'lines[0].sku', messages: ['sku must be a string'] }];
      const error = errorFromWire({ code: 'VALIDATION', message: 'Invalid', details: { fields, reason: 'r' } });
      expect(error).toBeInstanceOf(ValidationError);
      expect((error as ValidationError).fields).toEqual(fields);
      expect(error.details).toEqual({ reason: 'r', fields });
    });

    it('gives a validation error whose fields are not a list no fields', () => {
      const error = errorFromWire({ code: 'VALIDATION', message: 'Invalid', details: { fields: 'lines' } });
      expect((error as ValidationError).fields).toEqual([]);
    });

    it('returns a SeamError instance unchanged', () => {
      const original = new ConflictError('clash');
      expect(errorFromWire(original)).toBe(original);
    });

    it.each([
      ['null', null],
      ['undefined', undefined],
      ['a number', 42],
      ['a random string', 'boom'],
      ['an array', [{ code: 'NOT_FOUND', message: 'x' }]],
      ['an unknown code', { code: 'TEAPOT', message: 'short and stout' }],
      ['a lower-case code', { code: 'not_found', message: 'x' }],
      ['a missing message', { code: 'NOT_FOUND' }],
      ['a non-string message', { code: 'NOT_FOUND', message: { text: 'x' } }],
      ["Nest's generic error", { status: 'error', message: 'Internal server error' }],
      ['a plain Error', new Error('db password is hunter2')],
    ])('turns %s into a generic InternalError', (_, value) => {
      const error = errorFromWire(value);
      expect(error).toBeInstanceOf(InternalError);
      expect(error.message).toBe('Internal error');
      expect(error.details).toEqual({});
      expect(JSON.stringify(error)).not.toContain('hunter2');
    });

    it('clips a huge message to 2,000 characters plus an ellipsis, keeping the code', () => {
      const error = errorFromWire({ code: 'NOT_FOUND', message: 'x'.repeat(100_000), details: {} });
      expect(error).toBeInstanceOf(NotFoundError);
      expect(error.message).toBe(`${'x'.repeat(2_000)}…`);
    });

    it('keeps a message of exactly 2,000 characters whole', () => {
      const message = 'y'.repeat(2_000);
      expect(errorFromWire({ code: 'CONFLICT', message }).message).toBe(message);
    });

    it.each([
      ['an array', [1, 2]],
      ['a string', 'details'],
      ['null', null],
      ['missing', undefined],
    ])('replaces details that are %s by an empty object, keeping the code', (_, details) => {
      const error = errorFromWire({ code: 'CONFLICT', message: 'clash', details });
      expect(error).toBeInstanceOf(ConflictError);
      expect(error.details).toEqual({});
    });

    it('keeps a "__proto__" key of the details as data, without changing prototypes', () => {
      const wire = JSON.parse(
        '{"code":"VALIDATION","message":"m","details":{"__proto__":{"polluted":true},"reason":"r"}}',
      );
      const error = errorFromWire(wire);
      expect(Object.getPrototypeOf(error.details)).toBe(Object.prototype);
      expect(Object.keys(error.details)).toContain('__proto__');
      expect(error.details.polluted).toBeUndefined();
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    });

    it.each([
      ['the plain string', NEST_NO_HANDLER_MESSAGE],
      ['an { err } object', { err: NEST_NO_HANDLER_MESSAGE }],
    ])("turns Nest's no-handler answer as %s into UnavailableError 'unknown-pattern'", (_, value) => {
      const error = errorFromWire(value);
      expect(error).toBeInstanceOf(UnavailableError);
      expect(error.details.reason).toBe('unknown-pattern');
    });
  });

  describe('isWireError', () => {
    it('accepts a known code with a string message, with or without details', () => {
      expect(isWireError({ code: 'FORBIDDEN', message: 'no' })).toBe(true);
      expect(isWireError(JSON.parse(JSON.stringify(new ForbiddenError('no'))))).toBe(true);
    });

    it.each([[null], ['FORBIDDEN'], [{ code: 'FORBIDDEN' }], [{ code: 'NOPE', message: 'x' }], [{ message: 'x' }]])(
      'rejects %p',
      (value) => {
        expect(isWireError(value)).toBe(false);
      },
    );
  });

  describe('unknownPatternError', () => {
    it('names the pattern in an UnavailableError with reason unknown-pattern', () => {
      const error = unknownPatternError('orders.place-order');
      expect(error).toBeInstanceOf(UnavailableError);
      expect(error.message).toContain('orders.place-order');
      expect(error.details).toEqual({ reason: 'unknown-pattern', pattern: 'orders.place-order' });
    });
  });
});
