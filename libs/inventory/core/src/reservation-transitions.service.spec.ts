import 'reflect-metadata';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { ConflictError, NotFoundError } from '@seam/transport';
import { ReservationTransitions } from './reservation-transitions.service.js';
import { ReserveStockController } from './reserve-stock/reserve-stock.controller.js';
import { type InventoryTestKit, openInventoryTestKit, racedRepository } from './testing/inventory.test-kit.js';

describe('ReservationTransitions', () => {
  let kit: InventoryTestKit;
  let transitions: ReservationTransitions;
  const level = (sku: string) => kit.inventory.transaction((tx) => tx.findStock(sku));
  const reserve = async (quantity: number) => {
    const orderId = randomUUID();
    await new ReserveStockController(kit.inventory).reserve({ orderId, lines: [{ sku: 'A', quantity }] });
    return orderId;
  };

  beforeEach(async () => {
    kit = await openInventoryTestKit();
    transitions = new ReservationTransitions(kit.inventory);
    await kit.stock('A', 10);
  });
  afterEach(() => kit.close());

  describe('apply', () => {
    it('commit: the held units leave the warehouse; once', async () => {
      const orderId = await reserve(3);
      await expect(transitions.apply(orderId, 'commit')).resolves.toMatchObject({ status: 'committed' });
      await expect(transitions.apply(orderId, 'commit')).resolves.toMatchObject({ status: 'committed' });
      expect(await level('A')).toMatchObject({ available: 7, reserved: 0 });
      expect((await kit.published()).map((event) => event.status)).toEqual(['reserved', 'committed']);
    });

    it('release of a reserved order: the held units are available again; once', async () => {
      const orderId = await reserve(3);
      await transitions.apply(orderId, 'release');
      await expect(transitions.apply(orderId, 'release')).resolves.toMatchObject({ status: 'released' });
      expect(await level('A')).toMatchObject({ available: 10, reserved: 0 });
      expect((await kit.published()).map((event) => event.status)).toEqual(['reserved', 'released']);
    });

    it('release of a committed order: the sold units come back', async () => {
      const orderId = await reserve(3);
      await transitions.apply(orderId, 'commit');
      await transitions.apply(orderId, 'release');
      expect(await level('A')).toMatchObject({ available: 10, reserved: 0 });
    });

    it('refuses to commit a released order, changing nothing', async () => {
      const orderId = await reserve(3);
      await transitions.apply(orderId, 'release');
      const error = await transitions.apply(orderId, 'commit').catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(ConflictError);
      expect((error as ConflictError).details).toEqual({ orderId, status: 'released' });
      expect(await level('A')).toMatchObject({ available: 10, reserved: 0 });
    });

    it('answers NotFound to a commit of an order without a reservation', async () => {
      const orderId = randomUUID();
      const error = await transitions.apply(orderId, 'commit').catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(NotFoundError);
      expect((error as NotFoundError).details).toEqual({ orderId });
    });

    it('release of an order never reserved: released with no lines, moving and publishing nothing; once', async () => {
      const orderId = randomUUID();
      const first = await transitions.apply(orderId, 'release');
      expect(first).toMatchObject({ orderId, status: 'released', lines: [] });
      await expect(transitions.apply(orderId, 'release')).resolves.toEqual(first);
      expect(await level('A')).toMatchObject({ available: 10, reserved: 0 });
      expect(await kit.published()).toEqual([]);
    });

    it('refuses to commit an order released before it was reserved', async () => {
      const orderId = randomUUID();
      await transitions.apply(orderId, 'release');
      const error = await transitions.apply(orderId, 'commit').catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(ConflictError);
      expect((error as ConflictError).details).toEqual({ orderId, status: 'released' });
    });

    it('releases the reservation of a reserve that got in after the release found none', async () => {
      const orderId = await reserve(3);
      // It read no reservation, but one was inserted before its own (empty) one: it releases that instead.
      const released = await new ReservationTransitions(racedRepository(kit.inventory, undefined)).apply(
        orderId,
        'release',
      );
      expect(released).toMatchObject({ status: 'released', lines: [{ sku: 'A', quantity: 3 }] });
      expect(await level('A')).toMatchObject({ available: 10, reserved: 0 });
      expect((await kit.published()).map((event) => event.status)).toEqual(['reserved', 'released']);
    });

    it('decides again when a concurrent command moved the order after it was read', async () => {
      const orderId = await reserve(3);
      const stale = await kit.inventory.transaction((tx) => tx.findReservation(orderId));
      await transitions.apply(orderId, 'commit');
      // It read "reserved", but the order is committed: releasing must restock the sold units, not unhold them.
      await new ReservationTransitions(racedRepository(kit.inventory, stale)).apply(orderId, 'release');
      expect(await level('A')).toMatchObject({ available: 10, reserved: 0 });
      expect((await kit.published()).map((event) => event.status)).toEqual(['reserved', 'committed', 'released']);
    });

    it('rolls the status back when the stock cannot move (data changed behind the module)', async () => {
      const orderId = await reserve(3);
      await kit.inventory.transaction((tx) =>
        tx.moveStock('A', { available: 0, reserved: -3 }, new Date().toISOString()),
      );
      await expect(transitions.apply(orderId, 'commit')).rejects.toThrow('counts are inconsistent');
      await expect(kit.inventory.transaction((tx) => tx.findReservation(orderId))).resolves.toMatchObject({
        status: 'reserved',
      });
      expect(await kit.published()).toHaveLength(1);
    });
  });
});
