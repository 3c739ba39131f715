import { afterEach, describe, expect, it } from '@jest/globals';
import { Controller, type ExecutionContext, Get, Post } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AuthAttempts } from './auth-attempts.decorator.js';
import { EdgeThrottlerGuard, throttlerOptionsOf } from './edge-throttler.guard.js';
import { MemoryThrottleStore } from './memory-throttle.store.js';
import { DEFAULT_THROTTLING, type ThrottlingConfig } from './throttling.config.js';
import { TooManyRequestsException } from './too-many-requests.js';

@Controller('api')
class ApiRoutes {
  @Get('products') list(): void {}
  @Post('auth/login') @AuthAttempts() logIn(): void {}
}

@Controller('health')
class HealthRoutes {
  @Get() check(): void {}
}

@Controller('apiary')
class ApiaryRoutes {
  @Get() list(): void {}
}

/** The handlers a request can reach, as Express would have matched them. */
const ROUTES = {
  list: [ApiRoutes, ApiRoutes.prototype.list],
  logIn: [ApiRoutes, ApiRoutes.prototype.logIn],
  health: [HealthRoutes, HealthRoutes.prototype.check],
  apiary: [ApiaryRoutes, ApiaryRoutes.prototype.list],
} as const;

const config: ThrottlingConfig = {
  ...DEFAULT_THROTTLING,
  perAddress: { limit: 6, ttlMs: 10_000 },
  authPerAddress: { limit: 4, ttlMs: 60_000 },
  authPerAccount: { limit: 2, ttlMs: 60_000 },
};

describe('EdgeThrottlerGuard', () => {
  const store = new MemoryThrottleStore();
  afterEach(() => store.onApplicationShutdown());

  async function guard(): Promise<EdgeThrottlerGuard> {
    const created = new EdgeThrottlerGuard(throttlerOptionsOf(config), store, new Reflector());
    await created.onModuleInit();
    return created;
  }

  /** A request to `url` from `ip`, handled by `ROUTES[route]`; answers whether it passed and the headers set. */
  async function pass(
    subject: EdgeThrottlerGuard,
    url: string,
    ip: string,
    route: keyof typeof ROUTES,
    body?: unknown,
  ) {
    const [routes, handler] = ROUTES[route];
    const headers: Record<string, string> = {};
    const context = {
      getType: () => 'http',
      getHandler: () => handler,
      getClass: () => routes,
      switchToHttp: () => ({
        getRequest: () => ({ originalUrl: url, ip, body, headers: {} }),
        getResponse: () => ({ setHeader: (name: string, value: string) => (headers[name] = value) }),
      }),
    } as unknown as ExecutionContext;
    const passed = await subject.canActivate(context).catch((error: unknown) => {
      // Refusals are 429s; anything else fails the test.
      if (error instanceof TooManyRequestsException) return false;
      throw error;
    });
    return { passed, headers };
  }

  describe('canActivate', () => {
    it('counts every /api request of an address together, whatever the route, and answers Retry-After', async () => {
      const subject = await guard();
      const results = [];
      for (let index = 0; index < 7; index++)
        results.push(
          (await pass(subject, index % 2 ? '/api/products' : '/api/orders?page=2', '192.0.2.1', 'list')).passed,
        );
      expect(results).toEqual([true, true, true, true, true, true, false]);
      expect((await pass(subject, '/api/products', '192.0.2.1', 'list')).headers['Retry-After']).toBe('10');
      expect((await pass(subject, '/api/products', '192.0.2.2', 'list')).passed).toBe(true);
    });

    it('counts an /api route however the request spelt its path: any case, absolute form', async () => {
      const subject = await guard();
      const urls = ['/API/PRODUCTS', 'http://shop.example/api/products', 'http://shop.example/Api/Products?page=2'];
      const results = [];
      for (let index = 0; index < 7; index++)
        results.push((await pass(subject, urls[index % 3]!, '192.0.2.4', 'list')).passed);
      expect(results).toEqual([true, true, true, true, true, true, false]);
    });

    it('leaves what is not the API alone: health, metrics, docs', async () => {
      const subject = await guard();
      for (let index = 0; index < 20; index++) {
        expect((await pass(subject, '/health', '192.0.2.3', 'health')).passed).toBe(true);
        expect((await pass(subject, '/apiary', '192.0.2.3', 'apiary')).passed).toBe(true);
      }
    });

    it('caps log-in attempts per account across addresses, and per address across accounts', async () => {
      const subject = await guard();
      const account = (ip: string, email: unknown) => pass(subject, '/api/auth/login', ip, 'logIn', { email });
      expect((await account('192.0.2.10', 'eve@example.com')).passed).toBe(true);
      expect((await account('192.0.2.11', 'EVE@example.com')).passed).toBe(true);
      expect((await account('192.0.2.12', 'eve@example.com')).passed).toBe(false);
      for (let index = 0; index < 4; index++)
        expect((await account('192.0.2.20', `user${index}@example.com`)).passed).toBe(true);
      expect((await account('192.0.2.20', 'user9@example.com')).passed).toBe(false);
      // A body with no e-mail is counted against its address only (validation refuses it next).
      expect((await account('192.0.2.30', { $gt: '' })).passed).toBe(true);
      expect((await account('192.0.2.30', { $gt: '' })).passed).toBe(true);
      expect((await account('192.0.2.30', undefined)).passed).toBe(true);
    });

    it('does not apply the log-in limits to other routes', async () => {
      const subject = await guard();
      for (let index = 0; index < 6; index++)
        expect((await pass(subject, '/api/products', '192.0.2.40', 'list', { email: 'x@example.com' })).passed).toBe(
          true,
        );
    });
  });
});
