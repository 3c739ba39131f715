import { Payload } from '@nestjs/microservices';
import { InventoryContract, type Reservation, type ReservationRef } from '@contracts/inventory';
import { ContractController, Handle } from '@seam/transport';
import { ReservationTransitions } from '../reservation-transitions.service.js';
import { toView } from '../reservation.views.js';

/** `inventory.commit-stock` */
@ContractController(InventoryContract)
export class CommitStockController {
  constructor(private readonly transitions: ReservationTransitions) {}

  @Handle(InventoryContract.commitStock)
  async commit(@Payload() request: ReservationRef): Promise<Reservation> {
    return toView(await this.transitions.apply(request.orderId, 'commit'));
  }
}
