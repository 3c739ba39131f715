import { Payload } from '@nestjs/microservices';
import { IdentityContract, type LogIn, type Session } from '@contracts/identity';
import { ContractController, Handle, UnauthorizedError } from '@seam/transport';
import { AccessTokens } from '../infrastructure/access-tokens.js';
import { PasswordHasher } from '../infrastructure/password-hasher.js';
import { UserRepository } from '../infrastructure/user.repository.js';
import { toView } from '../user.views.js';

/** One answer for an unknown email and a wrong password: it must not tell which accounts exist. */
export const INVALID_CREDENTIALS = 'Invalid email or password';

/** `identity.log-in` */
@ContractController(IdentityContract)
export class LogInController {
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
    const accessToken = await this.tokens.issue(user);
    return { accessToken, tokenType: 'Bearer', expiresIn: this.tokens.ttlSeconds, user: toView(user) };
  }
}
