import 'reflect-metadata';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { ConflictError } from '@seam/transport';
import { ReservationTransitions } from '../reservation-transitions.service.js';
import { ReserveStockController } from '../reserve-stock/reserve-stock.controller.js';
import { type InventoryTestKit, openInventoryTestKit } from '../testing/inventory.test-kit.js';
import { CommitStockController } from './commit-stock.controller.js';

describe('CommitStockController', () => {
  let kit: InventoryTestKit;
  let controller: CommitStockController;

  beforeEach(async () => {
    kit = await openInventoryTestKit();
    controller = new CommitStockController(new ReservationTransitions(kit.inventory));
    await kit.stock('A', 4);
  });
  afterEach(() => kit.close());

  describe('commit', () => {
    it('answers the committed reservation as the contract shows it', async () => {
      const orderId = randomUUID();
      await new ReserveStockController(kit.inventory).reserve({ orderId, lines: [{ sku: 'A', quantity: 4 }] });
      await expect(controller.commit({ orderId })).resolves.toEqual({
        orderId,
        status: 'committed',
        lines: [{ sku: 'A', quantity: 4 }],
      });
      expect(await kit.inventory.transaction((tx) => tx.findStock('A'))).toEqual({
        sku: 'A',
        available: 0,
        reserved: 0,
      });
    });

    it('refuses a released reservation', async () => {
      const orderId = randomUUID();
      await new ReserveStockController(kit.inventory).reserve({ orderId, lines: [{ sku: 'A', quantity: 1 }] });
      await new ReservationTransitions(kit.inventory).apply(orderId, 'release');
      await expect(controller.commit({ orderId })).rejects.toBeInstanceOf(ConflictError);
    });
  });
});
