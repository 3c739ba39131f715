import 'reflect-metadata';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { ConflictError, NotFoundError, ValidationError } from '@seam/transport';
import { ReservationTransitions } from '../reservation-transitions.service.js';
import { type InventoryTestKit, openInventoryTestKit, racedRepository } from '../testing/inventory.test-kit.js';
import { ReserveStockController } from './reserve-stock.controller.js';

describe('ReserveStockController', () => {
  let kit: InventoryTestKit;
  let controller: ReserveStockController;
  const level = (sku: string) => kit.inventory.transaction((tx) => tx.findStock(sku));

  beforeEach(async () => {
    kit = await openInventoryTestKit();
    controller = new ReserveStockController(kit.inventory);
    await kit.stock('A', 5);
    await kit.stock('B', 1);
  });
  afterEach(() => kit.close());

  describe('reserve', () => {
    it('holds the merged lines and publishes the reservation', async () => {
      const orderId = randomUUID();
      const reservation = await controller.reserve({
        orderId,
        lines: [
          { sku: 'B', quantity: 1 },
          { sku: 'A', quantity: 1 },
          { sku: 'A', quantity: 2 },
        ],
      });
      expect(reservation).toEqual({
        orderId,
        status: 'reserved',
        lines: [
          { sku: 'A', quantity: 3 },
          { sku: 'B', quantity: 1 },
        ],
      });
      expect(await level('A')).toEqual({ sku: 'A', available: 2, reserved: 3 });
      expect(await kit.published()).toEqual([
        expect.objectContaining({ orderId, status: 'reserved', lines: reservation.lines }),
      ]);
    });

    it('answers a repeated request with the existing reservation, and holds nothing more', async () => {
      const orderId = randomUUID();
      const first = await controller.reserve({ orderId, lines: [{ sku: 'A', quantity: 2 }] });
      await expect(
        controller.reserve({
          orderId,
          lines: [
            { sku: 'A', quantity: 1 },
            { sku: 'A', quantity: 1 },
          ],
        }),
      ).resolves.toEqual(first);
      expect(await level('A')).toMatchObject({ available: 3, reserved: 2 });
      expect(await kit.published()).toHaveLength(1);
    });

    it('refuses different lines for an order that already has a reservation', async () => {
      const orderId = randomUUID();
      await controller.reserve({ orderId, lines: [{ sku: 'A', quantity: 2 }] });
      const error = await controller
        .reserve({ orderId, lines: [{ sku: 'A', quantity: 3 }] })
        .catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(ConflictError);
      expect((error as ConflictError).message).toBe(`Order ${orderId} already has a different reservation`);
    });

    it('refuses an order whose stock was already released before it was reserved, holding nothing', async () => {
      const orderId = randomUUID();
      await new ReservationTransitions(kit.inventory).apply(orderId, 'release');
      const error = await controller
        .reserve({ orderId, lines: [{ sku: 'A', quantity: 2 }] })
        .catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(ConflictError);
      expect((error as ConflictError).message).toBe(
        `The stock of order ${orderId} was already released; it cannot be reserved any more`,
      );
      expect((error as ConflictError).details).toEqual({ orderId, status: 'released' });
      expect(await level('A')).toMatchObject({ available: 5, reserved: 0 });
      expect(await kit.published()).toEqual([]);
    });

    it('holds nothing when one line cannot be covered, and says which', async () => {
      const error = await controller
        .reserve({
          orderId: randomUUID(),
          lines: [
            { sku: 'A', quantity: 2 },
            { sku: 'B', quantity: 2 },
          ],
        })
        .catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(ConflictError);
      expect((error as ConflictError).details).toEqual({ sku: 'B', requested: 2, available: 1 });
      expect(await level('A')).toMatchObject({ available: 5, reserved: 0 });
      expect(await kit.published()).toEqual([]);
    });

    it('answers NotFound for a sku never stocked, holding nothing', async () => {
      const error = await controller
        .reserve({
          orderId: randomUUID(),
          lines: [
            { sku: 'A', quantity: 1 },
            { sku: 'GHOST', quantity: 1 },
          ],
        })
        .catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(NotFoundError);
      expect((error as NotFoundError).details).toEqual({ sku: 'GHOST' });
      expect(await level('A')).toMatchObject({ available: 5, reserved: 0 });
    });

    it('refuses repeated lines of one sku adding up to more than a line may hold', async () => {
      await kit.stock('A', 30_000);
      const error = await controller
        .reserve({
          orderId: randomUUID(),
          lines: [
            { sku: 'A', quantity: 10_000 },
            { sku: 'A', quantity: 1 },
          ],
        })
        .catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(ValidationError);
      expect((error as ValidationError).fields).toEqual([
        { path: 'lines', messages: ['A: 10001 units in all, at most 10000 per sku'] },
      ]);
      expect(await level('A')).toMatchObject({ available: 30_000, reserved: 0 });
    });

    it('lets a refused order try again once stock arrives', async () => {
      const orderId = randomUUID();
      await expect(controller.reserve({ orderId, lines: [{ sku: 'B', quantity: 3 }] })).rejects.toBeInstanceOf(
        ConflictError,
      );
      await kit.stock('B', 3);
      await expect(controller.reserve({ orderId, lines: [{ sku: 'B', quantity: 3 }] })).resolves.toMatchObject({
        status: 'reserved',
      });
    });
  });
});

describe('ReserveStockController, losing a race for the same order', () => {
  let kit: InventoryTestKit;
  beforeEach(async () => {
    kit = await openInventoryTestKit();
    await kit.stock('A', 5);
  });
  afterEach(() => kit.close());

  it('answers the reservation that won, through the primary key, holding stock once', async () => {
    const orderId = randomUUID();
    const winner = await new ReserveStockController(kit.inventory).reserve({
      orderId,
      lines: [{ sku: 'A', quantity: 2 }],
    });
    const loser = new ReserveStockController(racedRepository(kit.inventory, undefined));
    await expect(loser.reserve({ orderId, lines: [{ sku: 'A', quantity: 2 }] })).resolves.toEqual(winner);
    expect(await kit.inventory.transaction((tx) => tx.findStock('A'))).toMatchObject({ available: 3, reserved: 2 });
    expect(await kit.published()).toHaveLength(1);
  });

  it('refuses different lines even when it learns of the winner only from the primary key', async () => {
    const orderId = randomUUID();
    await new ReserveStockController(kit.inventory).reserve({ orderId, lines: [{ sku: 'A', quantity: 2 }] });
    const loser = new ReserveStockController(racedRepository(kit.inventory, undefined));
    await expect(loser.reserve({ orderId, lines: [{ sku: 'A', quantity: 1 }] })).rejects.toBeInstanceOf(ConflictError);
  });

  it('refuses an order released meanwhile, learning of it only from the primary key, holding nothing', async () => {
    const orderId = randomUUID();
    await new ReservationTransitions(kit.inventory).apply(orderId, 'release');
    const loser = new ReserveStockController(racedRepository(kit.inventory, undefined));
    const error = await loser
      .reserve({ orderId, lines: [{ sku: 'A', quantity: 2 }] })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ConflictError);
    expect((error as ConflictError).message).toBe(
      `The stock of order ${orderId} was already released; it cannot be reserved any more`,
    );
    expect(await kit.inventory.transaction((tx) => tx.findStock('A'))).toMatchObject({ available: 5, reserved: 0 });
    expect(await kit.published()).toEqual([]);
  });
});
