import { describe, expect, it } from '@jest/globals';
import type { ExecutionContext } from '@nestjs/common';
import { IdentityContract, type Principal } from '@contracts/identity';
import { type SeamClient, UnauthorizedError, UnavailableError, ValidationError } from '@seam/transport';
import type { EdgeRequest } from '../context/edge-request.js';
import { BearerAuthGuard } from './bearer-auth.guard.js';

const ada: Principal = {
  userId: '5f0c6a8e-2b4e-4b8f-9a77-0b7a9c1d2e3f',
  email: 'ada@example.com',
  roles: ['customer'],
};

/** A SeamClient whose verifyToken answers with `answer`, recording the requests. */
function identity(answer: (token: string) => Promise<Principal>) {
  const calls: Array<{ pattern: string; request: unknown }> = [];
  const client = {
    send: (entry: { pattern: string }, request: { token: string }) => {
      calls.push({ pattern: entry.pattern, request });
      return answer(request.token);
    },
  } as unknown as SeamClient;
  return { client, calls };
}

function contextOf(request: Partial<EdgeRequest>): ExecutionContext {
  return {
    switchToHttp: () => ({ getRequest: () => request }),
  } as unknown as ExecutionContext;
}

describe('BearerAuthGuard', () => {
  describe('canActivate', () => {
    it('asks identity who the token speaks for and puts the principal on the request', async () => {
      const { client, calls } = identity(async () => ada);
      const request: Partial<EdgeRequest> = { headers: { authorization: 'Bearer the.token.value' } };
      await expect(new BearerAuthGuard(client).canActivate(contextOf(request))).resolves.toBe(true);
      expect(calls).toEqual([{ pattern: IdentityContract.verifyToken.pattern, request: { token: 'the.token.value' } }]);
      expect(request.principal).toEqual(ada);
    });

    it('refuses a missing or malformed header without asking identity', async () => {
      const { client, calls } = identity(async () => ada);
      await expect(new BearerAuthGuard(client).canActivate(contextOf({ headers: {} }))).rejects.toBeInstanceOf(
        UnauthorizedError,
      );
      await expect(
        new BearerAuthGuard(client).canActivate(contextOf({ headers: { authorization: 'Basic x' } })),
      ).rejects.toBeInstanceOf(UnauthorizedError);
      expect(calls).toEqual([]);
    });

    it('passes on identity’s refusal of the token as a 401', async () => {
      const { client } = identity(async () => Promise.reject(new UnauthorizedError('Token has expired')));
      const request: Partial<EdgeRequest> = { headers: { authorization: 'Bearer old.token.value' } };
      await expect(new BearerAuthGuard(client).canActivate(contextOf(request))).rejects.toThrow('Token has expired');
      expect(request.principal).toBeUndefined();
    });

    it('turns a token identity’s door refuses into a 401, and keeps identity being down a 503', async () => {
      const refused = identity(async () =>
        Promise.reject(new ValidationError('Invalid VerifyToken', [{ path: 'token', messages: ['too long'] }])),
      );
      await expect(
        new BearerAuthGuard(refused.client).canActivate(contextOf({ headers: { authorization: 'Bearer t' } })),
      ).rejects.toBeInstanceOf(UnauthorizedError);
      const down = identity(async () => Promise.reject(new UnavailableError('identity is down')));
      await expect(
        new BearerAuthGuard(down.client).canActivate(contextOf({ headers: { authorization: 'Bearer t' } })),
      ).rejects.toBeInstanceOf(UnavailableError);
    });
  });
});
