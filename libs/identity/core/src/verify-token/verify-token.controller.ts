import { Payload } from '@nestjs/microservices';
import { IdentityContract, type Principal, type VerifyToken } from '@contracts/identity';
import { ContractController, Handle, UnauthorizedError } from '@seam/transport';
import { AccessTokens } from '../infrastructure/access-tokens.js';
import { UserRepository } from '../infrastructure/user.repository.js';

/** `identity.verify-token` */
@ContractController(IdentityContract)
export class VerifyTokenController {
  constructor(
    private readonly users: UserRepository,
    private readonly tokens: AccessTokens,
  ) {}

  @Handle(IdentityContract.verifyToken)
  async verify(@Payload() request: VerifyToken): Promise<Principal> {
    const token = await this.tokens.verify(request.token);
    const user = await this.users.findAccess(token.subject);
    if (!user) throw new UnauthorizedError('Token user no longer exists');
    // Any other version than the account's: a sign-out or a password change came after the token
    // was issued (a later one than the account's cannot be issued by this module, and is refused too).
    if (token.version !== user.tokenVersion)
      throw new UnauthorizedError('Token was revoked: the account signed out or changed its password');
    // From the account as it is now, not the token's claims: roles granted or taken away since
    // the token was issued apply at once.
    return { userId: user.id, email: user.email, roles: [...user.roles] };
  }
}
