import { describe, expect, it } from '@jest/globals';
import {
  BadRequestException,
  ConflictException,
  ForbiddenException,
  GatewayTimeoutException,
  HttpException,
  InternalServerErrorException,
  NotFoundException,
  ServiceUnavailableException,
  UnauthorizedException,
  UnprocessableEntityException,
} from '@nestjs/common';
import { RpcException } from '@nestjs/microservices';
import {
  ConflictError,
  DeadlineExceededError,
  ForbiddenError,
  InternalError,
  NotFoundError,
  UnauthorizedError,
  UnavailableError,
  ValidationError,
} from '../errors/seam-error.js';
import { toWireError } from './to-wire-error.js';

const INTERNAL = { code: 'INTERNAL', message: 'Internal error', details: {} };

describe('to-wire-error', () => {
  describe('toWireError', () => {
    it.each([
      new ValidationError('Invalid PlaceOrder', [{ path: 'sku', messages: ['sku must be a string'] }]),
      new NotFoundError('Order 7 not found', { orderId: 7 }),
      new ConflictError('Out of stock', { sku: 'A' }),
      new UnauthorizedError('Token expired'),
      new ForbiddenError('Not your order'),
      new UnavailableError('Payments down', { reason: 'breaker-open' }),
      new DeadlineExceededError('Too slow'),
      new InternalError('Internal error'),
    ])('passes %p as its wire form, as expected', (error) => {
      expect(toWireError(error)).toEqual({
        wire: { code: error.code, message: error.message, details: error.details },
        unexpected: false,
      });
    });

    it('passes an RpcException carrying a wire error', () => {
      const wire = { code: 'NOT_FOUND', message: 'No such order', details: { orderId: 7 } };
      expect(toWireError(new RpcException(wire))).toEqual({ wire, unexpected: false });
    });

    it('gives an RpcException wire error without details empty details', () => {
      expect(toWireError(new RpcException({ code: 'CONFLICT', message: 'clash' })).wire).toEqual({
        code: 'CONFLICT',
        message: 'clash',
        details: {},
      });
    });

    it('sends only code, message and details of an RpcException wire error', () => {
      const payload = { code: 'CONFLICT', message: 'clash', details: {}, sql: 'SELECT secret FROM users' };
      expect(toWireError(new RpcException(payload)).wire).toEqual({ code: 'CONFLICT', message: 'clash', details: {} });
    });

    it('passes a SeamError wrapped in an RpcException with its message', () => {
      const mapped = toWireError(new RpcException(new NotFoundError('No such order', { orderId: 7 })));
      expect(mapped).toEqual({
        wire: { code: 'NOT_FOUND', message: 'No such order', details: { orderId: 7 } },
        unexpected: false,
      });
    });

    it("turns Nest's guard refusal ('Forbidden resource') into FORBIDDEN", () => {
      expect(toWireError(new RpcException('Forbidden resource'))).toEqual({
        wire: { code: 'FORBIDDEN', message: 'Forbidden resource', details: {} },
        unexpected: false,
      });
    });

    it.each([
      ['a string', new RpcException('db password is hunter2')],
      ['an object without a known code', new RpcException({ status: 'error', message: 'hunter2' })],
      ['an Error', new RpcException(new Error('hunter2'))],
    ])('masks an RpcException carrying %s as INTERNAL', (_, exception) => {
      expect(toWireError(exception)).toEqual({ wire: INTERNAL, unexpected: true });
    });

    it.each([
      [400, 'VALIDATION', new BadRequestException('Bad input')],
      [401, 'UNAUTHORIZED', new UnauthorizedException('Who are you')],
      [403, 'FORBIDDEN', new ForbiddenException('Not you')],
      [404, 'NOT_FOUND', new NotFoundException('Nothing here')],
      [409, 'CONFLICT', new ConflictException('Clash')],
      [422, 'VALIDATION', new UnprocessableEntityException('Unprocessable')],
      [503, 'UNAVAILABLE', new ServiceUnavailableException('Down')],
      [504, 'DEADLINE_EXCEEDED', new GatewayTimeoutException('Slow')],
    ])('maps an HttpException with status %i to %s, keeping its message', (status, code, exception) => {
      expect(exception.getStatus()).toBe(status);
      expect(toWireError(exception)).toEqual({
        wire: { code, message: exception.message, details: {} },
        unexpected: false,
      });
    });

    it.each([
      [500, new InternalServerErrorException('hunter2')],
      [418, new HttpException('hunter2', 418)],
      [429, new HttpException('hunter2', 429)],
      [502, new HttpException('hunter2', 502)],
    ])('masks an HttpException with status %i as INTERNAL', (_, exception) => {
      const mapped = toWireError(exception);
      expect(mapped).toEqual({ wire: INTERNAL, unexpected: true });
      expect(JSON.stringify(mapped)).not.toContain('hunter2');
    });

    it.each([
      ['an Error with a secret message', new Error('db password is hunter2')],
      ['a TypeError', new TypeError('hunter2 is not a function')],
      ['a string', 'hunter2'],
      ['undefined', undefined],
      ['null', null],
      ['a wire-shaped plain object (not an RpcException)', { code: 'NOT_FOUND', message: 'hunter2' }],
    ])('turns %s into a generic INTERNAL error marked unexpected', (_, thrown) => {
      const mapped = toWireError(thrown);
      expect(mapped).toEqual({ wire: INTERNAL, unexpected: true });
      expect(JSON.stringify(mapped)).not.toContain('hunter2');
    });

    it('turns a transient database failure into UNAVAILABLE, marked transient and not unexpected, saying nothing of it', () => {
      const busy = Object.assign(new Error('database is locked: UPDATE hunter2'), { name: 'QueryFailedError' });
      const mapped = toWireError(Object.assign(busy, { driverError: { code: 'SQLITE_BUSY' } }));
      expect(mapped).toEqual({
        wire: {
          code: 'UNAVAILABLE',
          message: 'The database is busy or unreachable; try again',
          details: { reason: 'database-unavailable' },
        },
        unexpected: false,
        transient: true,
      });
      expect(JSON.stringify(mapped)).not.toContain('hunter2');
    });

    it('leaves a unique violation INTERNAL and unexpected, as before', () => {
      const duplicate = Object.assign(new Error('duplicate key'), { driverError: { code: '23505' } });
      expect(toWireError(duplicate)).toEqual({ wire: INTERNAL, unexpected: true });
    });
  });
});
