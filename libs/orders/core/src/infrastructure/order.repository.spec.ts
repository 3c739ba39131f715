import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Outbox } from '@seam/messaging';
import { dataSourceOptions, openDataSource } from '@seam/persistence';
import { Hold, readRacingRollback } from '@seam/testing';
import type { DataSource } from 'typeorm';
import { newOrder } from '../domain/order.js';
import { ordersData } from '../orders.data.js';
import { OrderLineRecord } from './order-line.record.js';
import { OrderRecord } from './order.record.js';
import { OrderRepository } from './order.repository.js';
import { SagaStore } from './saga.store.js';

describe('OrderRepository', () => {
  let dataSource: DataSource;

  beforeAll(async () => {
    // The real migrations on a private in-memory SQLite database.
    dataSource = await openDataSource(dataSourceOptions(ordersData, { kind: 'memory' }));
  });
  afterAll(() => dataSource?.destroy());

  describe('findById', () => {
    it('never answers an order whose insert is still open, and then rolls back', async () => {
      const hold = new Hold();
      // The insert stops after writing the order and its lines, at its event: its transaction is open.
      const orders = new OrderRepository(
        dataSource.getRepository(OrderRecord),
        dataSource.getRepository(OrderLineRecord),
        dataSource,
        { add: () => hold.here() } as unknown as Outbox,
        new SagaStore(dataSource),
      );
      const line = { sku: 'A', name: 'A', quantity: 1, unitPrice: { amount: 100, currency: 'EUR' } };
      const order = newOrder(
        { orderId: '00000000-0000-4000-8000-000000000001', customerId: 'c-1' },
        { lines: [line], total: { amount: 100, currency: 'EUR' } },
        new Date('2026-11-25T10:00:00.000Z'),
      );
      const inserting = orders.insert(order, 'orderPlaced');
      await expect(readRacingRollback(hold, inserting, () => orders.findById(order.orderId))).resolves.toBeUndefined();
    });
  });
});
