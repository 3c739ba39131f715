export { OrdersModule } from './orders.module.js';
export { ordersData } from './orders.data.js';
