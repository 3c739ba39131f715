import { applyDecorators, createParamDecorator, type ExecutionContext, UseGuards } from '@nestjs/common';
import { ApiBearerAuth } from '@nestjs/swagger';
import type { Principal, Role } from '@contracts/identity';
import { InternalError } from '@seam/transport';
import type { EdgeRequest } from '../context/edge-request.js';
import { ApiProblems } from '../docs/api-problems.decorator.js';
import { BearerAuthGuard } from './bearer-auth.guard.js';
import { RequiredRoles, RolesGuard } from './roles.guard.js';

/** The name of the bearer security scheme in the OpenAPI document. */
export const BEARER_SCHEME = 'bearer';

/** The route (or every route of the controller) needs a valid bearer token: 401 otherwise. */
export function Authenticated(): ClassDecorator & MethodDecorator {
  return applyDecorators(UseGuards(BearerAuthGuard), ApiBearerAuth(BEARER_SCHEME), ApiProblems(401));
}

/** The route (or controller) needs a valid bearer token (401) whose user has these roles (403). */
export function Roles(...roles: Role[]): ClassDecorator & MethodDecorator {
  return applyDecorators(
    RequiredRoles(roles),
    UseGuards(BearerAuthGuard, RolesGuard),
    ApiBearerAuth(BEARER_SCHEME),
    ApiProblems(401, 403),
  );
}

/** The verified principal of an `@Authenticated()` route. */
export const CurrentPrincipal = createParamDecorator((_data: unknown, context: ExecutionContext): Principal => {
  const { principal } = context.switchToHttp().getRequest<EdgeRequest>();
  // Only reachable when a route reads the principal without @Authenticated(): a bug, not a 401.
  if (!principal) throw new InternalError('The route reads a principal but is not @Authenticated()');
  return principal;
});
