import { type CanActivate, type ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Role } from '@contracts/identity';
import { ForbiddenError, UnauthorizedError } from '@seam/transport';
import type { EdgeRequest } from '../context/edge-request.js';

/** Marks a controller or route as needing every one of these roles (see {@link RolesGuard}). */
export const RequiredRoles = Reflector.createDecorator<Role[]>();

/**
 * Lets a request through only when its principal has every role the route requires. Runs after
 * {@link BearerAuthGuard}, which puts the principal there.
 *
 * @throws ForbiddenError (403) when a role is missing; UnauthorizedError when no principal was
 * established (the route forgot the bearer guard: refuse rather than guess).
 */
@Injectable()
export class RolesGuard implements CanActivate {
  constructor(private readonly reflector: Reflector) {}

  canActivate(context: ExecutionContext): boolean {
    const required = this.reflector.getAllAndOverride(RequiredRoles, [context.getHandler(), context.getClass()]) ?? [];
    if (required.length === 0) return true;
    const { principal } = context.switchToHttp().getRequest<EdgeRequest>();
    if (!principal) throw new UnauthorizedError('This request needs an access token');
    const missing = required.filter((role) => !principal.roles.includes(role));
    if (missing.length > 0) throw new ForbiddenError(`This needs the role ${missing.join(', ')}`);
    return true;
  }
}
