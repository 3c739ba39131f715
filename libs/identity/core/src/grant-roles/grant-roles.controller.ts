import { Payload } from '@nestjs/microservices';
import { type GrantRoles, IdentityContract, type UserView } from '@contracts/identity';
import { ContractController, Handle, NotFoundError, ValidationError } from '@seam/transport';
import { roleProblems } from '../domain/roles.js';
import { withRoles } from '../domain/user.js';
import { UserRepository } from '../infrastructure/user.repository.js';
import { toView } from '../user.views.js';

/** `identity.grant-roles` */
@ContractController(IdentityContract)
export class GrantRolesController {
  constructor(private readonly users: UserRepository) {}

  @Handle(IdentityContract.grantRoles)
  async grant(@Payload() request: GrantRoles): Promise<UserView> {
    // The contract refuses these at the door already; the domain rule holds whoever calls.
    const problems = roleProblems(request.roles);
    if (problems.length > 0) throw new ValidationError('Invalid GrantRoles', [{ path: 'roles', messages: problems }]);
    const user = await this.users.findById(request.userId);
    if (!user) throw new NotFoundError(`No user ${request.userId}`, { userId: request.userId });
    const next = withRoles(user, request.roles, new Date());
    if (next !== user) await this.users.saveRoles(next);
    return toView(next);
  }
}
