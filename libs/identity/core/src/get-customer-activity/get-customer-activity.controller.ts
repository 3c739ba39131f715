import { Payload } from '@nestjs/microservices';
import { type CustomerActivity, type GetCustomerActivity, IdentityContract } from '@contracts/identity';
import { ContractController, Handle } from '@seam/transport';
import { CustomerActivityRepository } from '../order-activity/customer-activity.repository.js';

/** `identity.get-customer-activity` */
@ContractController(IdentityContract)
export class GetCustomerActivityController {
  constructor(private readonly activity: CustomerActivityRepository) {}

  @Handle(IdentityContract.getCustomerActivity)
  get(@Payload() request: GetCustomerActivity): Promise<CustomerActivity> {
    return this.activity.find(request.customerId);
  }
}
