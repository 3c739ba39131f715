import { Payload } from '@nestjs/microservices';
import { IdentityContract, type SignedOut, type SignOut } from '@contracts/identity';
import { ContractController, Handle, NotFoundError } from '@seam/transport';
import { UserRepository } from '../infrastructure/user.repository.js';

/** `identity.sign-out` */
@ContractController(IdentityContract)
export class SignOutController {
  constructor(private readonly users: UserRepository) {}

  @Handle(IdentityContract.signOut)
  async signOut(@Payload() request: SignOut): Promise<SignedOut> {
    if (!(await this.users.revokeTokens(request.userId)))
      throw new NotFoundError(`No user ${request.userId}`, { userId: request.userId });
    return { userId: request.userId };
  }
}
