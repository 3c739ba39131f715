import { Payload } from '@nestjs/microservices';
import { type GetUser, IdentityContract, type UserView } from '@contracts/identity';
import { ContractController, Handle, NotFoundError } from '@seam/transport';
import { UserRepository } from '../infrastructure/user.repository.js';
import { toView } from '../user.views.js';

/** `identity.get-user` */
@ContractController(IdentityContract)
export class GetUserController {
  constructor(private readonly users: UserRepository) {}

  @Handle(IdentityContract.getUser)
  async get(@Payload() request: GetUser): Promise<UserView> {
    const user = await this.users.findById(request.userId);
    if (!user) throw new NotFoundError(`No user ${request.userId}`, { userId: request.userId });
    return toView(user);
  }
}
