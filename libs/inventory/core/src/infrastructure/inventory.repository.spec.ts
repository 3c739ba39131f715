import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Outbox } from '@seam/messaging';
import { dataSourceOptions, openDataSource } from '@seam/persistence';
import { Hold, readRacingRollback } from '@seam/testing';
import type { DataSource } from 'typeorm';
import { inventoryData } from '../inventory.data.js';
import { InventoryRepository } from './inventory.repository.js';

describe('InventoryRepository', () => {
  let dataSource: DataSource;
  let inventory: InventoryRepository;

  beforeAll(async () => {
    // The real migrations on a private in-memory SQLite database.
    dataSource = await openDataSource(dataSourceOptions(inventoryData, { kind: 'memory' }));
    inventory = new InventoryRepository(dataSource, {} as Outbox);
  });
  afterAll(() => dataSource?.destroy());

  describe('transaction', () => {
    it('never lets a read see stock whose transaction is still open, and then rolls back', async () => {
      const hold = new Hold();
      const stocking = inventory.transaction(async (tx) => {
        await tx.setAvailable('GHOST', 5, '2026-11-25T10:00:00.000Z');
        await hold.here();
      });
      await expect(
        readRacingRollback(hold, stocking, () => inventory.transaction((tx) => tx.findStock('GHOST'))),
      ).resolves.toBeUndefined();
    });
  });
});
