import 'reflect-metadata';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { ReservationTransitions } from '../reservation-transitions.service.js';
import { ReserveStockController } from '../reserve-stock/reserve-stock.controller.js';
import { type InventoryTestKit, openInventoryTestKit } from '../testing/inventory.test-kit.js';
import { ReleaseStockController } from './release-stock.controller.js';

describe('ReleaseStockController', () => {
  let kit: InventoryTestKit;
  let controller: ReleaseStockController;

  beforeEach(async () => {
    kit = await openInventoryTestKit();
    controller = new ReleaseStockController(new ReservationTransitions(kit.inventory));
    await kit.stock('A', 4);
  });
  afterEach(() => kit.close());

  describe('release', () => {
    it('answers the released reservation as the contract shows it, with the stock back', async () => {
      const orderId = randomUUID();
      await new ReserveStockController(kit.inventory).reserve({ orderId, lines: [{ sku: 'A', quantity: 3 }] });
      await expect(controller.release({ orderId })).resolves.toEqual({
        orderId,
        status: 'released',
        lines: [{ sku: 'A', quantity: 3 }],
      });
      expect(await kit.inventory.transaction((tx) => tx.findStock('A'))).toEqual({
        sku: 'A',
        available: 4,
        reserved: 0,
      });
    });

    it('answers an order without a reservation as released with no lines, every time', async () => {
      const orderId = randomUUID();
      const answer = { orderId, status: 'released', lines: [] };
      await expect(controller.release({ orderId })).resolves.toEqual(answer);
      await expect(controller.release({ orderId })).resolves.toEqual(answer);
      expect(await kit.published()).toEqual([]);
    });
  });
});
