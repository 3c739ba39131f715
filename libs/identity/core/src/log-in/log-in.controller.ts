import { Logger } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import { IdentityContract, type LogIn, type Session } from '@contracts/identity';
import { ContractController, Handle, UnauthorizedError } from '@seam/transport';
import { AccessTokens } from '../infrastructure/access-tokens.js';
import { PasswordHasher } from '../infrastructure/password-hasher.js';
import { UserRepository } from '../infrastructure/user.repository.js';
import { sessionFor } from '../session.js';

/** One answer for an unknown email and a wrong password: it must not tell which accounts exist. */
export const INVALID_CREDENTIALS = 'Invalid email or password';

/**
 * `identity.log-in`. A password hash made with a weaker cost than today's (an older release, or a
 * database moved from development) is replaced by a new hash at the log-in that proves the
 * password — the only moment the plain password is at hand.
 */
@ContractController(IdentityContract)
export class LogInController {
  private readonly logger = new Logger('Identity');

  constructor(
    private readonly users: UserRepository,
    private readonly passwords: PasswordHasher,
    private readonly tokens: AccessTokens,
  ) {}

  @Handle(IdentityContract.logIn)
  async logIn(@Payload() request: LogIn): Promise<Session> {
    const user = await this.users.findByEmail(request.email);
    // Checked even without an account (against a dummy hash): the same work, the same time.
    const matches = await this.passwords.verify(request.password, user?.passwordHash);
    if (!user || !matches) throw new UnauthorizedError(INVALID_CREDENTIALS);
    if (this.passwords.needsRehash(user.passwordHash)) await this.upgrade(user.id, user.passwordHash, request.password);
    return sessionFor(user, this.tokens);
  }

  private async upgrade(userId: string, previousHash: string, password: string): Promise<void> {
    // The log-in has succeeded: a failure here only postpones the upgrade to the next log-in.
    try {
      await this.users.upgradePasswordHash(userId, previousHash, await this.passwords.hash(password));
    } catch (error) {
      this.logger.warn(
        `Could not upgrade the password hash of user ${userId}: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
  }
}
