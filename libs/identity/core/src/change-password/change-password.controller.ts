import { Payload } from '@nestjs/microservices';
import { type ChangePassword, IdentityContract, type Session } from '@contracts/identity';
import { ConflictError, ContractController, ForbiddenError, Handle, ValidationError } from '@seam/transport';
import { passwordProblems } from '../domain/password-policy.js';
import { AccessTokens } from '../infrastructure/access-tokens.js';
import { PasswordHasher } from '../infrastructure/password-hasher.js';
import { UserRepository } from '../infrastructure/user.repository.js';
import { sessionFor } from '../session.js';

/**
 * The answer to a wrong current password. `ForbiddenError` (403), not `UnauthorizedError`: the
 * caller's token is good, and a client must not take the answer for "sign in again".
 */
export const WRONG_CURRENT_PASSWORD = 'The current password is wrong';

/**
 * `identity.change-password`. The current password is checked first (with the same work whether
 * the account exists or not), then the new one against the policy, so that the policy's answers
 * tell nothing to someone who holds a stolen token but not the password. The new hash and the
 * raised token version are stored together, only if the account did not change meanwhile.
 */
@ContractController(IdentityContract)
export class ChangePasswordController {
  constructor(
    private readonly users: UserRepository,
    private readonly passwords: PasswordHasher,
    private readonly tokens: AccessTokens,
  ) {}

  @Handle(IdentityContract.changePassword)
  async change(@Payload() request: ChangePassword): Promise<Session> {
    const user = await this.users.findById(request.userId);
    const matches = await this.passwords.verify(request.currentPassword, user?.passwordHash);
    if (!user || !matches) throw new ForbiddenError(WRONG_CURRENT_PASSWORD);
    const problems = passwordProblems(request.newPassword, user.email);
    if (problems.length > 0)
      throw new ValidationError('Invalid ChangePassword', [{ path: 'newPassword', messages: problems }]);
    const changed = await this.users.changePassword(user, await this.passwords.hash(request.newPassword), new Date());
    if (!changed)
      throw new ConflictError('The password or the sessions of this account changed meanwhile; try again', {
        userId: user.id,
      });
    return sessionFor(changed, this.tokens);
  }
}
