import { describe, expect, it } from '@jest/globals';
import type { ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Principal } from '@contracts/identity';
import { ForbiddenError, UnauthorizedError } from '@seam/transport';
import type { EdgeRequest } from '../context/edge-request.js';
import { RequiredRoles, RolesGuard } from './roles.guard.js';

const ada: Principal = {
  userId: '5f0c6a8e-2b4e-4b8f-9a77-0b7a9c1d2e3f',
  email: 'ada@example.com',
  roles: ['customer'],
};

function contextOf(
  request: Partial<EdgeRequest>,
  handler: () => void = () => undefined,
  controller: object = class {},
): ExecutionContext {
  return {
    switchToHttp: () => ({ getRequest: () => request }),
    getHandler: () => handler,
    getClass: () => controller,
  } as unknown as ExecutionContext;
}

describe('RolesGuard', () => {
  class AdminController {}
  RequiredRoles(['admin'])(AdminController);
  const guard = new RolesGuard(new Reflector());

  describe('canActivate', () => {
    it('lets a principal with the required role through', () => {
      const admin = { ...ada, roles: ['customer', 'admin'] } as Principal;
      expect(guard.canActivate(contextOf({ principal: admin }, () => undefined, AdminController))).toBe(true);
    });

    it('refuses a principal without it with ForbiddenError', () => {
      expect(() => guard.canActivate(contextOf({ principal: ada }, () => undefined, AdminController))).toThrow(
        ForbiddenError,
      );
    });

    it('refuses with UnauthorizedError when no principal was established', () => {
      expect(() => guard.canActivate(contextOf({}, () => undefined, AdminController))).toThrow(UnauthorizedError);
    });

    it('lets anything through on a route that requires no role', () => {
      expect(guard.canActivate(contextOf({}))).toBe(true);
    });
  });
});
