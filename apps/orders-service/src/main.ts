import 'reflect-metadata';
import { OrdersModule } from '@modules/orders';
import { runService } from '@seam/runtime';

// The orders module as its own service, where the topology (SEAM_TOPOLOGY) places it.
await runService({ name: 'orders', module: OrdersModule });
