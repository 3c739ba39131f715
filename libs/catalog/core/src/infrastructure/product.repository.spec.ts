import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Outbox } from '@seam/messaging';
import { dataSourceOptions, openDataSource } from '@seam/persistence';
import { Hold, readRacingRollback } from '@seam/testing';
import type { DataSource } from 'typeorm';
import { catalogData } from '../catalog.data.js';
import { newProduct } from '../domain/product.js';
import { ProductRecord } from './product.record.js';
import { ProductRepository } from './product.repository.js';

describe('ProductRepository', () => {
  let dataSource: DataSource;

  beforeAll(async () => {
    // The real migrations on a private in-memory SQLite database.
    dataSource = await openDataSource(dataSourceOptions(catalogData, { kind: 'memory' }));
  });
  afterAll(() => dataSource?.destroy());

  describe('findBySku', () => {
    it('never answers a product whose insert is still open, and then rolls back', async () => {
      const hold = new Hold();
      // The insert stops after writing the product, at its event: its transaction is open.
      const products = new ProductRepository(dataSource.getRepository(ProductRecord), dataSource, {
        add: () => hold.here(),
      } as unknown as Outbox);
      const product = newProduct(
        { sku: 'GHOST-1', name: 'Ghost', description: '', price: { amount: 100, currency: 'EUR' }, active: true },
        new Date('2026-11-25T10:00:00.000Z'),
      );
      const inserting = products.insert(product);
      await expect(readRacingRollback(hold, inserting, () => products.findBySku(product.sku))).resolves.toBeUndefined();
    });
  });
});
