import { afterEach, describe, expect, it } from '@jest/globals';
import type { CallHandler, ExecutionContext } from '@nestjs/common';
import { ConflictError, UnauthorizedError, UnavailableError } from '@seam/transport';
import { defer, lastValueFrom, of, throwError } from 'rxjs';
import { AuthAttemptsInterceptor } from './auth-attempts.interceptor.js';
import { MemoryThrottleStore } from './memory-throttle.store.js';
import { DEFAULT_THROTTLING, type ThrottlingConfig } from './throttling.config.js';
import { TooManyRequestsException } from './too-many-requests.js';

const config: ThrottlingConfig = {
  ...DEFAULT_THROTTLING,
  accountFailures: { freeFailures: 3, windowMs: 60_000, firstDelayMs: 1_000, maxDelayMs: 8_000 },
  addressFailures: { freeFailures: 6, windowMs: 60_000, firstDelayMs: 1_000, maxDelayMs: 8_000 },
};

describe('AuthAttemptsInterceptor', () => {
  let now = 0;
  const store = new MemoryThrottleStore(() => now);
  const interceptor = new AuthAttemptsInterceptor(store, config);
  afterEach(() => store.onApplicationShutdown());

  /** One attempt from `ip` for `email`, answered by `answer` when the route runs; counts route runs. */
  let routeRuns = 0;
  async function attempt(email: unknown, answer: 'ok' | Error, ip = '203.0.113.7') {
    const headers: Record<string, string> = {};
    const context = {
      switchToHttp: () => ({
        getRequest: () => ({ ip, body: { email, password: 'guess' } }),
        getResponse: () => ({ setHeader: (name: string, value: string) => (headers[name] = value) }),
      }),
    } as unknown as ExecutionContext;
    const route: CallHandler = {
      handle: () =>
        defer(() => {
          routeRuns++;
          return answer === 'ok' ? of({ accessToken: 't' }) : throwError(() => answer);
        }),
    };
    try {
      await lastValueFrom(interceptor.intercept(context, route));
      return { status: 'ok' as const, headers };
    } catch (error) {
      return { status: error, headers };
    }
  }
  const wrong = () => new UnauthorizedError('Invalid email or password');

  describe('intercept', () => {
    it('lets the free failures through, then refuses before the route runs, with Retry-After', async () => {
      now = 1_000_000;
      routeRuns = 0;
      for (let failure = 0; failure < 3; failure++)
        expect((await attempt('ada@example.com', wrong())).status).toBeInstanceOf(UnauthorizedError);
      const refused = await attempt('ada@example.com', 'ok');
      expect(refused.status).toBeInstanceOf(TooManyRequestsException);
      expect(refused.headers['Retry-After']).toBe('1');
      expect(routeRuns).toBe(3);
    });

    it('doubles the wait with each further failure, up to the cap, and counts the e-mail as identity does', async () => {
      now = 2_000_000;
      const waits: string[] = [];
      for (let failure = 0; failure < 9; failure++) {
        // Spellings identity stores as one account.
        const email = ['bob@example.com', ' BOB@Example.com', 'Bob@EXAMPLE.COM '][failure % 3];
        const answer = await attempt(email, wrong(), `198.51.100.${failure}`);
        expect(answer.status).toBeInstanceOf(UnauthorizedError);
        // A probe answered neither success (which would clear the failures) nor failure.
        const refused = await attempt('bob@example.com', new UnavailableError('probe'), '198.51.100.200');
        if (refused.status instanceof TooManyRequestsException) {
          waits.push(refused.headers['Retry-After']!);
          now += Number(refused.headers['Retry-After']) * 1_000;
        }
      }
      expect(waits).toEqual(['1', '2', '4', '8', '8', '8', '8']);
    });

    it('counts failures per address across accounts: listing accounts is slowed like guessing one', async () => {
      now = 3_000_000;
      for (let failure = 0; failure < 6; failure++) {
        const probe = failure % 2 ? wrong() : new ConflictError('An account with this email already exists');
        expect((await attempt(`user${failure}@example.com`, probe, '192.0.2.1')).status).toBe(probe);
      }
      const refused = await attempt('someone-new@example.com', 'ok', '192.0.2.1');
      expect(refused.status).toBeInstanceOf(TooManyRequestsException);
      // Another address is not slowed down by it.
      expect((await attempt('someone-new@example.com', 'ok', '192.0.2.2')).status).toBe('ok');
    });

    it('does not count what is not a failure of credentials (an outage, a bad body) nor a body without an e-mail against an account', async () => {
      now = 4_000_000;
      for (let attemptNo = 0; attemptNo < 10; attemptNo++)
        await attempt('carol@example.com', new UnavailableError('identity is down'), '192.0.2.50');
      expect((await attempt('carol@example.com', 'ok', '192.0.2.50')).status).toBe('ok');
      for (let attemptNo = 0; attemptNo < 5; attemptNo++)
        await attempt({ $ne: 1 }, wrong(), `192.0.2.${60 + attemptNo}`);
      expect((await attempt('carol@example.com', 'ok', '192.0.2.70')).status).toBe('ok');
    });

    it('forgets an account’s failures once it logs in, but not its address’s', async () => {
      now = 5_000_000;
      for (let failure = 0; failure < 2; failure++) await attempt('dan@example.com', wrong(), '192.0.2.80');
      expect((await attempt('dan@example.com', 'ok', '192.0.2.80')).status).toBe('ok');
      for (let failure = 0; failure < 2; failure++) await attempt('dan@example.com', wrong(), '192.0.2.80');
      // Two failures since the success: under the account's three free ones.
      expect((await attempt('dan@example.com', 'ok', '192.0.2.81')).status).toBe('ok');
    });
  });
});
