import { defineModuleData } from '@seam/persistence';
import { CreateOrders1764100000000 } from './infrastructure/migrations/1764100000000-create-orders.js';
import { CreateOrdersMessaging1764900000000 } from './infrastructure/migrations/1764900000000-create-orders-messaging.js';
import { CreateOrderSaga1764900000001 } from './infrastructure/migrations/1764900000001-create-order-saga.js';
import { AddOrderRequestFingerprint1765000000000 } from './infrastructure/migrations/1765000000000-add-order-request-fingerprint.js';
import { IndexOrdersInbox1796600000000 } from './infrastructure/migrations/1796600000000-index-orders-inbox.js';
import { OrderLineRecord } from './infrastructure/order-line.record.js';
import { OrderRecord } from './infrastructure/order.record.js';

/** The orders module's own data: its entities and its migrations, in order. */
export const ordersData = defineModuleData({
  module: 'orders',
  entities: [OrderRecord, OrderLineRecord],
  migrations: [
    CreateOrders1764100000000,
    CreateOrdersMessaging1764900000000,
    CreateOrderSaga1764900000001,
    AddOrderRequestFingerprint1765000000000,
    IndexOrdersInbox1796600000000,
  ],
});
