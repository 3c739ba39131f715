import 'reflect-metadata';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { ReserveStockController } from '../reserve-stock/reserve-stock.controller.js';
import { type InventoryTestKit, openInventoryTestKit } from '../testing/inventory.test-kit.js';
import { SetStockController } from './set-stock.controller.js';

describe('SetStockController', () => {
  let kit: InventoryTestKit;
  let controller: SetStockController;

  beforeEach(async () => {
    kit = await openInventoryTestKit();
    controller = new SetStockController(kit.inventory);
  });
  afterEach(() => kit.close());

  describe('set', () => {
    it('creates a sku with nothing reserved', async () => {
      await expect(controller.set({ sku: 'NEW', available: 3 })).resolves.toEqual({
        sku: 'NEW',
        available: 3,
        reserved: 0,
      });
    });

    it('replaces what is available and keeps what is reserved', async () => {
      await controller.set({ sku: 'A', available: 5 });
      await new ReserveStockController(kit.inventory).reserve({
        orderId: randomUUID(),
        lines: [{ sku: 'A', quantity: 2 }],
      });
      await expect(controller.set({ sku: 'A', available: 10 })).resolves.toEqual({
        sku: 'A',
        available: 10,
        reserved: 2,
      });
    });

    it('gives the same answer when repeated', async () => {
      await controller.set({ sku: 'A', available: 5 });
      await expect(controller.set({ sku: 'A', available: 5 })).resolves.toEqual({
        sku: 'A',
        available: 5,
        reserved: 0,
      });
    });
  });
});
