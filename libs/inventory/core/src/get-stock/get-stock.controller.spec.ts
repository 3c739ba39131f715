import 'reflect-metadata';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { type InventoryTestKit, openInventoryTestKit } from '../testing/inventory.test-kit.js';
import { GetStockController } from './get-stock.controller.js';

describe('GetStockController', () => {
  let kit: InventoryTestKit;
  let controller: GetStockController;

  beforeEach(async () => {
    kit = await openInventoryTestKit();
    controller = new GetStockController(kit.inventory);
  });
  afterEach(() => kit.close());

  describe('get', () => {
    it('answers the counts of a stocked sku', async () => {
      await kit.stock('A', 7);
      await expect(controller.get({ sku: 'A' })).resolves.toEqual({ sku: 'A', available: 7, reserved: 0 });
    });

    it('answers zeros for a sku never stocked', async () => {
      await expect(controller.get({ sku: 'NEVER' })).resolves.toEqual({ sku: 'NEVER', available: 0, reserved: 0 });
    });
  });
});
