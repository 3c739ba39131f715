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
    const userId = await this.tokens.verify(request.token);
    const user = await this.users.findAccess(userId);
    if (!user) throw new UnauthorizedError('Token user no longer exists');
    // From the account as it is now, not the token's claims: roles granted or taken away since
    // the token was issued apply at once.
    return { userId: user.id, email: user.email, roles: [...user.roles] };
  }
}
