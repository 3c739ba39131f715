import { Payload } from '@nestjs/microservices';
import { type OrderRef, OrdersContract, type OrderView } from '@contracts/orders';
import { ContractController, Handle } from '@seam/transport';
import { OrderRepository } from '../infrastructure/order.repository.js';
import { findVisibleOrder } from '../order.access.js';
import { toView } from '../order.views.js';

/** `orders.get-order` */
@ContractController(OrdersContract)
export class GetOrderController {
  constructor(private readonly orders: OrderRepository) {}

  @Handle(OrdersContract.getOrder)
  async get(@Payload() request: OrderRef): Promise<OrderView> {
    return toView(await findVisibleOrder(this.orders, request));
  }
}
