import { Payload } from '@nestjs/microservices';
import { IdentityContract, type RegisterUser, type UserView } from '@contracts/identity';
import { ConflictError, ContractController, Handle, ValidationError } from '@seam/transport';
import { randomUUID } from 'node:crypto';
import { normaliseEmail } from '../domain/email.js';
import { passwordProblems } from '../domain/password-policy.js';
import { newUser } from '../domain/user.js';
import { PasswordHasher } from '../infrastructure/password-hasher.js';
import { UserRepository } from '../infrastructure/user.repository.js';
import { toView } from '../user.views.js';

/** `identity.register-user` */
@ContractController(IdentityContract)
export class RegisterUserController {
  constructor(
    private readonly users: UserRepository,
    private readonly passwords: PasswordHasher,
  ) {}

  @Handle(IdentityContract.registerUser)
  async register(@Payload() request: RegisterUser): Promise<UserView> {
    const problems = passwordProblems(request.password, request.email);
    if (problems.length > 0)
      throw new ValidationError('Invalid RegisterUser', [{ path: 'password', messages: problems }]);
    // Checked before the hash: the answer says the address is taken anyway, so an early answer
    // tells nothing more, and a conflict costs no scrypt work (a seed's restart, a retry, a flood).
    if (await this.users.findByEmail(request.email)) throw emailTaken(normaliseEmail(request.email));
    const passwordHash = await this.passwords.hash(request.password);
    const user = newUser({ id: randomUUID(), email: request.email, name: request.name, passwordHash }, new Date());
    // The unique index decides, so two concurrent registrations of one address cannot both win;
    // the account's event is written with it (outbox).
    if (!(await this.users.insert(user))) throw emailTaken(user.email);
    return toView(user);
  }
}

/** The answer to a registration of an address an account already has. */
function emailTaken(email: string): ConflictError {
  return new ConflictError('An account with this email already exists', { email });
}
