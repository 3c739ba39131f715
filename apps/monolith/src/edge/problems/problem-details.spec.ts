import { describe, expect, it } from '@jest/globals';
import {
  BadRequestException,
  ForbiddenException,
  HttpException,
  NotFoundException,
  PayloadTooLargeException,
} from '@nestjs/common';
import {
  ConflictError,
  DeadlineExceededError,
  ErrorCode,
  ForbiddenError,
  InternalError,
  NotFoundError,
  UnauthorizedError,
  UnavailableError,
  ValidationError,
} from '@seam/transport';
import { problemOf, type ProblemContext } from './problem-details.js';

const context: ProblemContext = { method: 'POST', path: '/api/orders', presentedCredentials: false };

describe('problemOf', () => {
  describe('Seam errors', () => {
    it.each([
      [new ValidationError('Invalid request body'), 400, ErrorCode.Validation],
      [new UnauthorizedError('Token has expired'), 401, ErrorCode.Unauthorized],
      [new ForbiddenError('This needs the role admin'), 403, ErrorCode.Forbidden],
      [new NotFoundError('Order 42 not found'), 404, ErrorCode.NotFound],
      [new ConflictError('Order 42 is not confirmed'), 409, ErrorCode.Conflict],
      [new UnavailableError('orders is down'), 503, ErrorCode.Unavailable],
      [new DeadlineExceededError('No answer from "orders.place-order"'), 504, ErrorCode.DeadlineExceeded],
      [new InternalError('Internal error'), 500, ErrorCode.Internal],
    ])('maps %p 1:1 to status %p and code %p', (error, status, code) => {
      const problem = problemOf(error, context);
      expect(problem.type).toMatchObject({ status, code });
      expect(problem.type.uri).toMatch(/^tag:seam\.local,2026:problems\/[a-z-]+$/);
    });

    it('shows the message of a client error as the detail, but never its other details', () => {
      const problem = problemOf(new ConflictError('Not enough stock of MUG', { sku: 'MUG', available: 1 }), context);
      expect(problem).toEqual({
        type: expect.objectContaining({ status: 409 }),
        detail: 'Not enough stock of MUG',
        headers: {},
      });
    });

    it('lists the offending fields of a validation error', () => {
      const fields = [{ path: 'lines[1].quantity', messages: ['quantity must not be less than 1'] }];
      expect(problemOf(new ValidationError('Invalid PlaceOrder', fields), context)).toMatchObject({
        detail: 'Invalid PlaceOrder',
        errors: fields,
      });
    });

    it.each([
      [new UnavailableError('identity at 10.0.0.7:4010 refused the connection'), 'warn'],
      [new DeadlineExceededError('No answer from "payments.capture-payment"'), 'warn'],
      // The failing module logged it as an error, with its cause: one bug, one ERROR line.
      [new InternalError('SQLITE_BUSY: database is locked'), 'warn'],
    ])('hides the message of a server-side failure %p and logs it (%p)', (error, log) => {
      const problem = problemOf(error, context);
      expect(problem.detail).not.toContain(error.message);
      expect(problem.log).toBe(log);
    });

    it.each([
      new UnavailableError('orders is down'),
      new UnavailableError('database is locked', { reason: 'database-unavailable' }),
      new HttpException('Service Unavailable', 503),
    ])('tells the client when to try again after a 503 (%p): Retry-After, as a 429 does', (error) => {
      expect(problemOf(error, context)).toMatchObject({ type: { status: 503 }, headers: { 'Retry-After': '1' } });
    });

    it('sends no Retry-After with other failures (a 504 may still complete)', () => {
      expect(problemOf(new DeadlineExceededError('No answer'), context).headers).toEqual({});
      expect(problemOf(new InternalError('bug'), context).headers).toEqual({});
    });

    it('challenges for a bearer token, saying invalid_token only when one was presented', () => {
      expect(problemOf(new UnauthorizedError('missing'), context).headers).toEqual({
        'WWW-Authenticate': 'Bearer realm="seam"',
      });
      expect(problemOf(new UnauthorizedError('forged'), { ...context, presentedCredentials: true }).headers).toEqual({
        'WWW-Authenticate': 'Bearer realm="seam", error="invalid_token"',
      });
    });
  });

  describe('what Nest and Express raise', () => {
    it('answers a route that does not exist with 404, and a method it does not allow with 405 and Allow', () => {
      const noRoute = problemOf(new NotFoundException('Cannot POST /api/nope'), {
        ...context,
        path: '/api/nope',
        allowedMethods: [],
      });
      expect(noRoute).toMatchObject({
        type: { status: 404, code: ErrorCode.NotFound },
        detail: 'There is no route POST /api/nope',
      });
      const wrongMethod = problemOf(new NotFoundException('Cannot DELETE /api/products'), {
        ...context,
        method: 'DELETE',
        path: '/api/products',
        allowedMethods: ['GET', 'HEAD', 'POST'],
      });
      expect(wrongMethod).toMatchObject({ type: { status: 405 }, headers: { Allow: 'GET, HEAD, POST' } });
    });

    it('answers a body that is not JSON with 400 malformed-json, and one over the limit with 413', () => {
      const malformed = new BadRequestException('Unexpected end of JSON input', {
        cause: new SyntaxError('Unexpected end of JSON input'),
      });
      expect(problemOf(malformed, context)).toMatchObject({
        type: { status: 400, code: ErrorCode.Validation, uri: expect.stringContaining('malformed-json') },
      });
      expect(problemOf(new PayloadTooLargeException('request entity too large'), context)).toMatchObject({
        type: { status: 413, code: ErrorCode.Validation, uri: expect.stringContaining('payload-too-large') },
      });
    });

    it('keeps the status of other HTTP exceptions (a refusing guard is 403, 415 stays 415)', () => {
      expect(problemOf(new ForbiddenException('Forbidden resource'), context)).toMatchObject({
        type: { status: 403, code: ErrorCode.Forbidden },
      });
      expect(problemOf(new HttpException('Unsupported Media Type', 415), context)).toMatchObject({
        type: { status: 415, code: ErrorCode.Validation, title: 'Unsupported Media Type' },
      });
    });
  });

  describe('anything else', () => {
    it('is a generic 500 that leaks nothing, logged as an error', () => {
      const problem = problemOf(new TypeError("Cannot read properties of undefined (reading 'secretColumn')"), context);
      expect(problem).toEqual({
        type: expect.objectContaining({ status: 500, code: ErrorCode.Internal }),
        detail: 'An unexpected error occurred',
        headers: {},
        log: 'error',
      });
    });
  });
});
