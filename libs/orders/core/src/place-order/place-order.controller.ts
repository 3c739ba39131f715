import { Payload } from '@nestjs/microservices';
import { OrdersContract, type OrderView, type PlaceOrder } from '@contracts/orders';
import { type CallContext, ContractController, CurrentCall, Handle } from '@seam/transport';
import { toView } from '../order.views.js';
import { PlaceOrderSaga } from './place-order.saga.js';
import { assertQuantityPerProduct } from './quantity-per-product.js';

/**
 * `orders.place-order`: a rejection is an answer (`status: 'rejected'` with `reason`), not an error;
 * a request the door cannot check field by field (a product's lines added up) is refused here, as
 * the door refuses, before anything is stored.
 */
@ContractController(OrdersContract)
export class PlaceOrderController {
  constructor(private readonly saga: PlaceOrderSaga) {}

  @Handle(OrdersContract.placeOrder)
  async place(@Payload() request: PlaceOrder, @CurrentCall() call: CallContext): Promise<OrderView> {
    assertQuantityPerProduct(request.lines);
    return toView(await this.saga.place(request, call));
  }
}
