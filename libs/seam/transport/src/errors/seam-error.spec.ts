import { describe, expect, it } from '@jest/globals';
import { ErrorCode } from './error-codes.js';
import {
  ConflictError,
  DeadlineExceededError,
  ForbiddenError,
  PermissionDeniedError,
  InternalError,
  NotFoundError,
  SeamError,
  UnauthorizedError,
  UnavailableError,
  ValidationError,
} from './seam-error.js';
import { errorFromWire } from './wire-errors.js';

const classes = [
  [NotFoundError, ErrorCode.NotFound],
  [ConflictError, ErrorCode.Conflict],
  [UnauthorizedError, ErrorCode.Unauthorized],
  [ForbiddenError, ErrorCode.Forbidden],
  [PermissionDeniedError, ErrorCode.PermissionDenied],
  [UnavailableError, ErrorCode.Unavailable],
  [DeadlineExceededError, ErrorCode.DeadlineExceeded],
  [InternalError, ErrorCode.Internal],
] as const;

/** Everything that makes two errors equal (jest's toEqual on errors compares only name and message). */
function essence(error: SeamError): object {
  return {
    type: error.constructor,
    name: error.name,
    code: error.code,
    message: error.message,
    details: error.details,
  };
}

/** What a caller gets back after the error crossed a JSON wire. */
function acrossTheWire(error: SeamError): SeamError {
  return errorFromWire(JSON.parse(JSON.stringify(error)));
}

describe('SeamError', () => {
  describe('constructor', () => {
    it.each(classes)('%p carries its code, message, details and class name', (Class, code) => {
      const error = new Class('Order 7 not here', { orderId: 7 });
      expect(error).toBeInstanceOf(SeamError);
      expect(error).toBeInstanceOf(Error);
      expect(error.code).toBe(code);
      expect(error.message).toBe('Order 7 not here');
      expect(error.details).toEqual({ orderId: 7 });
      expect(error.name).toBe(Class.name);
    });

    it('defaults details to an empty object', () => {
      expect(new ConflictError('clash').details).toEqual({});
    });
  });

  describe('toJSON', () => {
    it.each(classes)('%p travels as code, message and details only (no stack, no name)', (Class, code) => {
      const wire = JSON.parse(JSON.stringify(new Class('m', { a: [1, 'x'] })));
      expect(wire).toEqual({ code, message: 'm', details: { a: [1, 'x'] } });
    });

    it.each(classes)('%p round-trips through JSON and errorFromWire to an equal instance', (Class, code) => {
      const original = new Class('Something happened', { id: 'o-1', nested: { list: [1, 'two', null] } });
      const restored = acrossTheWire(original);
      expect(restored).toBeInstanceOf(Class);
      expect(restored.code).toBe(code);
      expect(essence(restored)).toEqual(essence(original));
    });
  });
});

describe('ValidationError', () => {
  const fields = [
    { path: 'lines[1].quantity', messages: ['quantity must not be less than 1'] },
    { path: 'customerId', messages: ['customerId must be a string'] },
  ];

  describe('fields', () => {
    it('lists the offending fields in order, inside the details', () => {
      const error = new ValidationError('Invalid PlaceOrder', fields, { reason: 'bad-input' });
      expect(error.fields).toEqual(fields);
      expect(error.details).toEqual({ reason: 'bad-input', fields });
    });

    it('is empty when no field was given', () => {
      expect(new ValidationError('too large').fields).toEqual([]);
    });

    it('cannot be overwritten by a "fields" entry of the details', () => {
      const error = new ValidationError('m', fields, { fields: 'hijacked' });
      expect(error.fields).toEqual(fields);
    });
  });

  describe('toJSON', () => {
    it('round-trips through JSON and errorFromWire keeping fields and other details', () => {
      const original = new ValidationError('Invalid PlaceOrder', fields, { reason: 'bad-input' });
      const restored = acrossTheWire(original);
      expect(restored).toBeInstanceOf(ValidationError);
      expect(essence(restored)).toEqual(essence(original));
      expect((restored as ValidationError).fields).toEqual(fields);
      expect(restored.details.reason).toBe('bad-input');
    });
  });
});
