import { Socket } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { type INestApplication, Module } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import { Test } from '@nestjs/testing';
import { eventually, freePort } from '@seam/testing';
import { IsString } from 'class-validator';
import { ANY_CALLER } from '../contracts/contract.types.js';
import { defineContract, event } from '../contracts/define-contract.js';
import { ContractController, Subscribe } from '../door/handler.decorators.js';
import { resolveOptions } from '../module/resolve-options.js';
import { SeamTransportModule, startSeamServers } from '../module/seam-transport.module.js';
import { InProcessBus } from '../transports/in-process/in-process.bus.js';
import { SeamTcpServer } from '../transports/tcp/seam-tcp.server.js';
import { SeamClient } from './seam-client.js';
import { TransportRouter } from './transport-router.js';

class OrderNote {
  @IsString() orderId!: string;
}

const OrdersContract = defineContract('orders', {
  placed: event({ pattern: 'orders.order.placed', subscribers: ['inventory'], payload: OrderNote }),
  noted: event({ pattern: 'orders.order.noted', subscribers: [ANY_CALLER], payload: OrderNote }),
});
const InventoryContract = defineContract('inventory', {});
const PaymentsContract = defineContract('payments', {});

const placedOrders: string[] = [];

@ContractController(InventoryContract)
class InventoryListener {
  @Subscribe(OrdersContract.placed)
  onPlaced(@Payload() note: OrderNote): void {
    placedOrders.push(note.orderId);
  }
}

@Module({ controllers: [InventoryListener] })
class InventoryModule {}

/** Payments subscribes to nothing: every event frame its server reads is parsed and dropped. */
@ContractController(PaymentsContract)
class PaymentsController {}

@Module({ controllers: [PaymentsController] })
class PaymentsModule {}

/** One process of the topology: its own in-process bus, its module's TCP server. */
async function serviceApp(module: new () => unknown, hosted: string, port: number): Promise<INestApplication> {
  const moduleRef = await Test.createTestingModule({
    imports: [
      SeamTransportModule.forRoot({
        hosted: [hosted],
        endpoints: { [hosted]: { transport: 'tcp', host: '127.0.0.1', port } },
        bus: new InProcessBus(),
      }),
      module,
    ],
  }).compile();
  return moduleRef.createNestApplication({ logger: false });
}

/** Socket writes handed to the kernel (one per `_write`/`_writev`; corked frames leave in one). */
function countSocketWrites(): { count(): number; restore(): void } {
  const spies = [jest.spyOn(Socket.prototype, '_write'), jest.spyOn(Socket.prototype, '_writev' as never)];
  return {
    count: () => spies.reduce((sum, spy) => sum + spy.mock.calls.length, 0),
    restore: () => spies.forEach((spy) => spy.mockRestore()),
  };
}

describe('Event routing over TCP (publisher, inventory and payments as separate apps)', () => {
  let inventory: INestApplication;
  let payments: INestApplication;
  let paymentsServer: SeamTcpServer;
  let router: TransportRouter;
  let orders: SeamClient;

  beforeAll(async () => {
    const [inventoryPort, paymentsPort] = [await freePort(), await freePort()];
    inventory = await serviceApp(InventoryModule, 'inventory', inventoryPort);
    await startSeamServers(inventory);
    await inventory.init();
    payments = await serviceApp(PaymentsModule, 'payments', paymentsPort);
    paymentsServer = new SeamTcpServer({ hosted: ['payments'], host: '127.0.0.1', port: paymentsPort });
    payments.connectMicroservice({ strategy: paymentsServer });
    await payments.startAllMicroservices();
    await payments.init();
    router = new TransportRouter(
      resolveOptions({
        hosted: ['orders'],
        bus: new InProcessBus(),
        endpoints: {
          inventory: { transport: 'tcp', host: '127.0.0.1', port: inventoryPort },
          payments: { transport: 'tcp', host: '127.0.0.1', port: paymentsPort },
        },
      }),
    );
    orders = new SeamClient(router, 'orders');
  });

  afterAll(async () => {
    await router?.close();
    await payments?.close();
    await inventory?.close();
  });

  afterEach(() => {
    jest.restoreAllMocks();
  });

  it('sends an event only to the endpoint of the modules its contract names, which handle it', async () => {
    const framesAtPayments = jest.spyOn(paymentsServer, 'handleMessage');
    await orders.emit(OrdersContract.placed, { orderId: 'order-1' });
    await orders.emit(OrdersContract.placed, { orderId: 'order-2' });
    await eventually(() => expect(placedOrders).toEqual(['order-1', 'order-2']));
    // An event anyone may take still reaches payments: once its frame is read, the earlier ones
    // would have been read too, had they been sent.
    await orders.emit(OrdersContract.noted, { orderId: 'order-3' });
    await eventually(() => expect(framesAtPayments).toHaveBeenCalledTimes(1));
    const [, frame] = framesAtPayments.mock.calls[0] as [unknown, { pattern: string }];
    expect(frame.pattern).toBe('orders.order.noted');
  });

  it('writes the frames of events emitted in one tick to a connection together', async () => {
    await orders.emit(OrdersContract.placed, { orderId: 'warm-up' }); // connected before counting
    await eventually(() => expect(placedOrders).toContain('warm-up'));
    const writes = countSocketWrites();
    try {
      const ids = Array.from({ length: 20 }, (_, index) => `batch-${index}`);
      await Promise.all(ids.map((orderId) => orders.emit(OrdersContract.placed, { orderId })));
      await eventually(() => expect(placedOrders).toEqual(expect.arrayContaining(ids)));
      expect(writes.count()).toBe(1);
    } finally {
      writes.restore();
    }
  });
});
