import 'reflect-metadata';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { newReservation, tombstone } from '../domain/reservation.js';
import { type InventoryTestKit, openInventoryTestKit } from '../testing/inventory.test-kit.js';

describe('InventoryTransaction', () => {
  let kit: InventoryTestKit;
  const at = '2026-01-01T00:00:00.000Z';

  beforeEach(async () => {
    kit = await openInventoryTestKit();
    await kit.stock('A', 2);
  });
  afterEach(() => kit.close());

  describe('moveStock', () => {
    it('applies a move that keeps both counts non-negative, reporting it applied', async () => {
      await expect(
        kit.inventory.transaction((tx) => tx.moveStock('A', { available: -2, reserved: 2 }, at)),
      ).resolves.toBe(true);
      expect(await kit.inventory.transaction((tx) => tx.findStock('A'))).toEqual({
        sku: 'A',
        available: 0,
        reserved: 2,
      });
    });

    it('refuses a move that would make a count negative, and an unknown sku, changing nothing', async () => {
      await expect(
        kit.inventory.transaction((tx) => tx.moveStock('A', { available: -3, reserved: 3 }, at)),
      ).resolves.toBe(false);
      await expect(
        kit.inventory.transaction((tx) => tx.moveStock('A', { available: 1, reserved: -1 }, at)),
      ).resolves.toBe(false);
      await expect(
        kit.inventory.transaction((tx) => tx.moveStock('GHOST', { available: 1, reserved: 0 }, at)),
      ).resolves.toBe(false);
      expect(await kit.inventory.transaction((tx) => tx.findStock('A'))).toEqual({
        sku: 'A',
        available: 2,
        reserved: 0,
      });
    });
  });

  describe('insertTombstone', () => {
    it('stores a released reservation without lines, and leaves an existing reservation as it is', async () => {
      await kit.inventory.transaction((tx) => tx.insertTombstone(tombstone('order-1', at)));
      await expect(kit.inventory.transaction((tx) => tx.findReservation('order-1'))).resolves.toEqual(
        tombstone('order-1', at),
      );
      const held = newReservation('order-2', [{ sku: 'A', quantity: 1 }], new Date(at));
      await kit.inventory.transaction((tx) => tx.insertReservation(held));
      await kit.inventory.transaction((tx) => tx.insertTombstone(tombstone('order-2', '2026-01-02T00:00:00.000Z')));
      await expect(kit.inventory.transaction((tx) => tx.findReservation('order-2'))).resolves.toEqual(held);
    });

    it('refuses a reservation that holds stock', async () => {
      const held = newReservation('order-3', [{ sku: 'A', quantity: 1 }], new Date(at));
      await expect(kit.inventory.transaction((tx) => tx.insertTombstone(held))).rejects.toThrow('Not a tombstone');
    });
  });

  describe('the stock_item table', () => {
    it('refuses a negative count itself (CHECK constraint), whichever statement writes it', async () => {
      const write = kit.inventory.transaction((tx) => tx.setAvailable('A', -1, at));
      await expect(write).rejects.toThrow(/CHECK constraint/);
    });
  });
});
