import { EventEmitter } from 'node:events';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { type ArgumentsHost, Logger } from '@nestjs/common';
import type { HttpAdapterHost } from '@nestjs/core';
import { NotFoundError, UnauthorizedError, UnavailableError } from '@seam/transport';
import { lastValueFrom, type Observable } from 'rxjs';
import { ProblemDetailsFilter } from './problem-details.filter.js';
import type { RouteTable } from './route-table.js';

const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';

class FakeResponse extends EventEmitter {
  headersSent = false;
  destroyed = false;
  readonly headers: Record<string, string> = {};
  setHeader(name: string, value: string): void {
    this.headers[name.toLowerCase()] = value;
  }
  destroy(): void {
    this.destroyed = true;
  }
}

describe('ProblemDetailsFilter', () => {
  let replied: { body: Record<string, unknown>; status: number } | undefined;
  const adapterHost = {
    httpAdapter: {
      reply: (_response: unknown, body: Record<string, unknown>, status: number) => (replied = { body, status }),
    },
  };
  const routes = { allowedMethods: () => [] } as unknown as RouteTable;
  const filter = new ProblemDetailsFilter(adapterHost as unknown as HttpAdapterHost, routes);
  const httpHost = (request: object, response: FakeResponse) =>
    ({
      getType: () => 'http',
      switchToHttp: () => ({ getRequest: () => request, getResponse: () => response }),
    }) as unknown as ArgumentsHost;

  beforeEach(() => {
    replied = undefined;
    Logger.overrideLogger(false);
  });
  afterEach(() => Logger.overrideLogger(['log', 'warn', 'error']));

  describe('catch', () => {
    it('answers an RFC 9457 document with the request path, the trace id of its traceparent and the trace headers', () => {
      const request = {
        method: 'GET',
        originalUrl: '/api/orders/7?x=1',
        headers: { traceparent: `00-${TRACE_ID}-00f067aa0ba902b7-01` },
      };
      const response = new FakeResponse();
      filter.catch(new NotFoundError('Order 7 not found'), httpHost(request, response));
      expect(replied).toEqual({
        status: 404,
        body: {
          type: 'tag:seam.local,2026:problems/not-found',
          title: 'Not found',
          status: 404,
          detail: 'Order 7 not found',
          instance: '/api/orders/7',
          code: 'NOT_FOUND',
          correlationId: TRACE_ID,
        },
      });
      expect(response.headers).toMatchObject({
        'content-type': 'application/problem+json; charset=utf-8',
        'x-correlation-id': TRACE_ID,
      });
      expect(response.headers.traceparent).toContain(TRACE_ID);
    });

    it('sets the problem’s own headers (WWW-Authenticate on a 401)', () => {
      const response = new FakeResponse();
      filter.catch(
        new UnauthorizedError('Token has expired'),
        httpHost({ method: 'GET', url: '/api/me', headers: { authorization: 'Bearer x' } }, response),
      );
      expect(replied?.status).toBe(401);
      expect(response.headers['www-authenticate']).toBe('Bearer realm="seam", error="invalid_token"');
    });

    it('answers a module or database that is unavailable 503 with Retry-After', () => {
      const response = new FakeResponse();
      filter.catch(
        new UnavailableError('database is locked', { reason: 'database-unavailable' }),
        httpHost({ method: 'POST', url: '/api/orders', headers: {} }, response),
      );
      expect(replied?.status).toBe(503);
      expect(response.headers['retry-after']).toBe('1');
    });

    it('ends the response instead when its headers are already sent', () => {
      const response = Object.assign(new FakeResponse(), { headersSent: true });
      filter.catch(new Error('stream broke'), httpHost({ method: 'GET', url: '/x', headers: {} }, response));
      expect(replied).toBeUndefined();
      expect(response.destroyed).toBe(true);
    });

    it('leaves a message handler’s error to the door logic: it becomes a wire error', async () => {
      const rpcHost = {
        getType: () => 'rpc',
        switchToRpc: () => ({ getContext: () => undefined }),
      } as unknown as ArgumentsHost;
      const result = filter.catch(new NotFoundError('no such order'), rpcHost) as Observable<never>;
      await expect(lastValueFrom(result)).rejects.toEqual({ code: 'NOT_FOUND', message: 'no such order', details: {} });
      expect(replied).toBeUndefined();
    });
  });
});
