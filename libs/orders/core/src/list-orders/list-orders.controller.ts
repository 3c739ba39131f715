import { Payload } from '@nestjs/microservices';
import { type ListOrders, type OrderPage, OrdersContract } from '@contracts/orders';
import { ContractController, Handle } from '@seam/transport';
import { OrderRepository } from '../infrastructure/order.repository.js';
import { toView } from '../order.views.js';

/** `orders.list-orders` */
@ContractController(OrdersContract)
export class ListOrdersController {
  constructor(private readonly orders: OrderRepository) {}

  @Handle(OrdersContract.listOrders)
  async list(@Payload() request: ListOrders): Promise<OrderPage> {
    const page = request.page ?? 1;
    const pageSize = request.pageSize ?? 20;
    const slice = await this.orders.findPage(request.customerId, { offset: (page - 1) * pageSize, limit: pageSize });
    return { items: slice.items.map(toView), page, pageSize, total: slice.total };
  }
}
