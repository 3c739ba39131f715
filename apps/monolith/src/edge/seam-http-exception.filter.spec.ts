import { describe, expect, it } from '@jest/globals';
import type { ArgumentsHost } from '@nestjs/common';
import type { HttpAdapterHost } from '@nestjs/core';
import {
  ConflictError,
  DeadlineExceededError,
  ForbiddenError,
  InternalError,
  NotFoundError,
  type SeamError,
  UnauthorizedError,
  UnavailableError,
  ValidationError,
} from '@seam/transport';
import { SeamHttpExceptionFilter } from './seam-http-exception.filter.js';

/** Runs the filter on `error` and returns what it replied. */
function reply(error: SeamError): { status: number; body: Record<string, unknown> } {
  let replied: { status: number; body: Record<string, unknown> } | undefined;
  const adapterHost = {
    httpAdapter: { reply: (_response: unknown, body: Record<string, unknown>, status: number) => (replied = { status, body }) },
  } as unknown as HttpAdapterHost;
  const host = { switchToHttp: () => ({ getResponse: () => ({}) }) } as unknown as ArgumentsHost;
  new SeamHttpExceptionFilter(adapterHost).catch(error, host);
  return replied!;
}

describe('SeamHttpExceptionFilter', () => {
  describe('catch', () => {
    it.each([
      [new NotFoundError('no such order'), 404],
      [new ConflictError('already shipped', { orderId: '42' }), 409],
      [new UnauthorizedError('who are you'), 401],
      [new ForbiddenError('not yours'), 403],
      [new UnavailableError('greeter is down'), 503],
      [new DeadlineExceededError('too slow'), 504],
      [new InternalError('Internal error'), 500],
    ])('answers %p with status %p, code and message, keeping details server-side', (error, status) => {
      expect(reply(error)).toEqual({ status, body: { status, code: error.code, message: error.message } });
    });

    it('answers a ValidationError with 400 and the offending fields', () => {
      const fields = [{ path: 'name', messages: ['name must be longer than or equal to 1 characters'] }];
      expect(reply(new ValidationError('Invalid ComposeGreetingRequest', fields))).toEqual({
        status: 400,
        body: { status: 400, code: 'VALIDATION', message: 'Invalid ComposeGreetingRequest', fields },
      });
    });
  });
});
