import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { ProductChanged } from '@contracts/catalog';
import type { Outbox } from '@seam/messaging';
import { dataSourceOptions, openDataSource } from '@seam/persistence';
import { eventually, Hold, postgresUnavailableReason, TemporaryPostgres } from '@seam/testing';
import type { DataSource } from 'typeorm';
import { catalogData } from '../catalog.data.js';
import { applyChanges, newProduct } from '../domain/product.js';
import { ProductRecord } from './product.record.js';
import { ProductRepository } from './product.repository.js';

const reason = await postgresUnavailableReason();

(reason ? describe.skip : describe)(
  `ProductRepository on PostgreSQL (pooled connections, row locks)${reason ? ` — skipped: ${reason}` : ''}`,
  () => {
    let database: TemporaryPostgres;
    let dataSource: DataSource;
    const published: ProductChanged[] = [];
    let holdNextEvent: Hold | undefined;
    let products: ProductRepository;

    beforeAll(async () => {
      database = await TemporaryPostgres.create();
      dataSource = await openDataSource(dataSourceOptions(catalogData, { kind: 'postgres', url: database.url }));
      // Records the events; the next one written can be held, with its transaction open.
      const outbox = {
        add: async (_manager: unknown, _pattern: unknown, event: ProductChanged) => {
          published.push(event);
          const hold = holdNextEvent;
          holdNextEvent = undefined;
          await hold?.here();
        },
      } as unknown as Outbox;
      products = new ProductRepository(dataSource.getRepository(ProductRecord), dataSource, outbox);
    });
    afterAll(async () => {
      await dataSource?.destroy();
      await database?.drop();
    });

    describe('update', () => {
      it('keeps both of two concurrent updates of different fields, and publishes the row as stored', async () => {
        const created = new Date('2026-12-01T10:00:00.000Z');
        const mug = { sku: 'MUG', name: 'Mug', description: '', price: { amount: 1_000, currency: 'EUR' } };
        await products.insert(newProduct({ ...mug, active: true }, created));
        const hold = new Hold();
        holdNextEvent = hold;
        // The first update has written its row and is held before its commit…
        const repricing = products.update('MUG', (product) =>
          applyChanges(product, { price: { amount: 1_500, currency: 'EUR' } }, new Date()),
        );
        await hold.reached;
        // …while the second one reads the row: it must wait for the first to commit, not read the old row.
        const deactivating = products.update('MUG', (product) => applyChanges(product, { active: false }, new Date()));
        await eventually(async () => {
          const [{ waiting }] = await dataSource.query<Array<{ waiting: number }>>(
            'SELECT count(*)::int AS waiting FROM pg_locks WHERE NOT granted',
          );
          expect(waiting).toBe(1);
        });
        hold.release();
        await Promise.all([repricing, deactivating]);

        const stored = { price: { amount: 1_500, currency: 'EUR' }, active: false };
        await expect(products.findBySku('MUG')).resolves.toMatchObject(stored);
        expect(published.at(-1)).toMatchObject(stored);
      });
    });
  },
);
