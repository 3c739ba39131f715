import { Module } from '@nestjs/common';
import { OrdersContract } from '@contracts/orders';
import { SeamMessagingModule } from '@seam/messaging';
import { SeamPersistenceModule } from '@seam/persistence';
import { SeamTransportModule } from '@seam/transport';
import { CancelOrderController } from './cancel-order/cancel-order.controller.js';
import { GetOrderController } from './get-order/get-order.controller.js';
import { OrderRepository } from './infrastructure/order.repository.js';
import { ListOrdersController } from './list-orders/list-orders.controller.js';
import { OrderCalls } from './order.calls.js';
import { ordersData } from './orders.data.js';
import { PlaceOrderController } from './place-order/place-order.controller.js';
import { PlaceOrderSaga } from './place-order/place-order.saga.js';
import { SagaRecovery } from './place-order/saga-recovery.js';
import { SagaStore } from './infrastructure/saga.store.js';

/**
 * The orders module: places orders (a saga over catalog, inventory and payments, reached only
 * through their contracts), in its own database, behind `OrdersContract`.
 */
@Module({
  imports: [
    SeamPersistenceModule.forModule(ordersData),
    SeamTransportModule.forModule('orders'),
    SeamMessagingModule.forModule(OrdersContract),
  ],
  controllers: [PlaceOrderController, GetOrderController, ListOrdersController, CancelOrderController],
  providers: [OrderRepository, SagaStore, OrderCalls, PlaceOrderSaga, SagaRecovery],
})
export class OrdersModule {}
