import { type CanActivate, type ExecutionContext, Injectable } from '@nestjs/common';
import { IdentityContract } from '@contracts/identity';
import { SeamClient, UnauthorizedError, ValidationError } from '@seam/transport';
import type { EdgeRequest } from '../context/edge-request.js';
import { bearerTokenOf } from './bearer-token.js';

/**
 * Lets a request through only with a valid bearer token: asks the identity module who the token
 * speaks for (`IdentityContract.verifyToken`; the edge never reads tokens itself) and puts that
 * `Principal` on the request for the controller.
 *
 * @throws UnauthorizedError (401) for a missing or malformed header, or a token identity refuses
 * (forged, expired, `alg: none`…); identity being unreachable stays a 503, not a 401.
 */
@Injectable()
export class BearerAuthGuard implements CanActivate {
  constructor(private readonly seam: SeamClient) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<EdgeRequest>();
    const token = bearerTokenOf(request.headers.authorization);
    try {
      request.principal = await this.seam.send(IdentityContract.verifyToken, { token });
    } catch (error) {
      // A token identity's door refuses (too long, …) is a bad credential, not a bad request.
      if (error instanceof ValidationError) throw new UnauthorizedError('The access token is malformed');
      throw error;
    }
    return true;
  }
}
