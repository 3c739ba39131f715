import 'reflect-metadata';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { CatalogContract, type CreateProduct } from '@contracts/catalog';
import { eventually, ModuleHarness } from '@seam/testing';
import { ConflictError, NotFoundError, ValidationError } from '@seam/transport';
import { CatalogModule } from './catalog.module.js';

const product = (sku: string, overrides: Partial<CreateProduct> = {}): CreateProduct => ({
  sku,
  name: `Product ${sku}`,
  description: `About ${sku}`,
  price: { amount: 1_000, currency: 'EUR' },
  active: true,
  ...overrides,
});

describe('catalog module, through its contract', () => {
  let harness: ModuleHarness;

  beforeAll(async () => {
    harness = await ModuleHarness.start({
      module: CatalogModule,
      name: 'catalog',
      record: [CatalogContract.productChanged],
    });
    for (const sku of ['A-1', 'A-2', 'B-1']) await harness.client.send(CatalogContract.createProduct, product(sku));
    await harness.client.send(
      CatalogContract.createProduct,
      product('Z-9', { name: '100% Cotton_Tee', active: false }),
    );
  });
  afterAll(() => harness?.close());

  describe('createProduct', () => {
    it('stores the product and publishes productChanged (through its outbox)', async () => {
      const created = await harness.client.send(
        CatalogContract.createProduct,
        product('NEW-1', { price: { amount: 4_999, currency: 'EUR' } }),
      );
      expect(created).toMatchObject({ sku: 'NEW-1', price: { amount: 4_999, currency: 'EUR' }, active: true });
      await eventually(() =>
        expect(harness.events(CatalogContract.productChanged).map((event) => event.sku)).toContain('NEW-1'),
      );
    });

    it('refuses a sku that exists', async () => {
      await expect(harness.client.send(CatalogContract.createProduct, product('A-1'))).rejects.toBeInstanceOf(
        ConflictError,
      );
    });

    it('refuses a float price and a lower-case sku, naming the fields', async () => {
      const bad = { ...product('x-1'), price: { amount: 9.99, currency: 'EUR' } };
      const error = await harness.client.send(CatalogContract.createProduct, bad).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(ValidationError);
      expect((error as ValidationError).fields.map((field) => field.path).toSorted()).toEqual(['price.amount', 'sku']);
    });

    it('refuses a price of nothing: a card cannot be charged zero', async () => {
      const free = { ...product('FREE-1'), price: { amount: 0, currency: 'EUR' } };
      const error = await harness.client.send(CatalogContract.createProduct, free).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(ValidationError);
      expect((error as ValidationError).fields).toEqual([
        { path: 'price.amount', messages: [expect.stringContaining('1')] },
      ]);
    });
  });

  describe('getProduct', () => {
    it('answers a known product and NotFound for an unknown one', async () => {
      await expect(harness.client.send(CatalogContract.getProduct, { sku: 'A-2' })).resolves.toMatchObject({
        sku: 'A-2',
        name: 'Product A-2',
      });
      await expect(harness.client.send(CatalogContract.getProduct, { sku: 'NOPE' })).rejects.toBeInstanceOf(
        NotFoundError,
      );
    });

    it('answers an inactive product as not found, as an unknown sku, unless asked to include it', async () => {
      const hidden = await harness.client
        .send(CatalogContract.getProduct, { sku: 'Z-9' })
        .catch((caught: unknown) => caught);
      expect(hidden).toBeInstanceOf(NotFoundError);
      expect(hidden).toMatchObject({ message: 'No product Z-9', details: { sku: 'Z-9' } });
      await expect(
        harness.client.send(CatalogContract.getProduct, { sku: 'Z-9', includeInactive: true }),
      ).resolves.toMatchObject({ sku: 'Z-9', active: false });
      await expect(
        harness.client.send(CatalogContract.getProduct, { sku: 'A-2', includeInactive: false }),
      ).resolves.toMatchObject({ sku: 'A-2', active: true });
    });
  });

  describe('listProducts', () => {
    it('pages active products in sku order, with the total', async () => {
      const page = await harness.client.send(CatalogContract.listProducts, { page: 1, pageSize: 2, q: 'a-' });
      expect(page).toMatchObject({ page: 1, pageSize: 2, total: 2 });
      expect(page.items.map((item) => item.sku)).toEqual(['A-1', 'A-2']);
    });

    it('hides inactive products unless asked, and matches % and _ literally', async () => {
      expect((await harness.client.send(CatalogContract.listProducts, { q: '100%' })).total).toBe(0);
      const all = await harness.client.send(CatalogContract.listProducts, { q: '100% cotton_', includeInactive: true });
      expect(all.items.map((item) => item.sku)).toEqual(['Z-9']);
      expect(
        (await harness.client.send(CatalogContract.listProducts, { q: '100_ cotton', includeInactive: true })).total,
      ).toBe(0);
    });

    it('matches letters beyond ASCII whatever their case', async () => {
      await harness.client.send(
        CatalogContract.createProduct,
        product('ECLAIR-1', { name: 'Éclair', description: 'Pâtisserie' }),
      );
      for (const q of ['Éclair', 'éclair', 'ÉCLAIR', 'pâtisserie', 'PÂTISSERIE']) {
        const page = await harness.client.send(CatalogContract.listProducts, { q });
        expect({ q, skus: page.items.map((item) => item.sku) }).toEqual({ q, skus: ['ECLAIR-1'] });
      }
    });
  });

  describe('getPrices', () => {
    it('answers known prices and lists unknown skus', async () => {
      const list = await harness.client.send(CatalogContract.getPrices, { skus: ['A-1', 'Z-9', 'GHOST'] });
      expect(list.unknownSkus).toEqual(['GHOST']);
      expect(list.prices).toEqual(
        expect.arrayContaining([
          { sku: 'A-1', name: 'Product A-1', unitPrice: { amount: 1_000, currency: 'EUR' }, active: true },
          { sku: 'Z-9', name: '100% Cotton_Tee', unitPrice: { amount: 1_000, currency: 'EUR' }, active: false },
        ]),
      );
    });
  });

  describe('updateProduct', () => {
    it('changes the given fields and publishes the new state', async () => {
      const updated = await harness.client.send(CatalogContract.updateProduct, {
        sku: 'B-1',
        price: { amount: 1_500, currency: 'EUR' },
      });
      expect(updated).toMatchObject({ sku: 'B-1', name: 'Product B-1', price: { amount: 1_500, currency: 'EUR' } });
      await eventually(() => {
        const events = harness.events(CatalogContract.productChanged).filter((event) => event.sku === 'B-1');
        expect(events.at(-1)).toMatchObject({ price: { amount: 1_500, currency: 'EUR' } });
      });
    });

    it('keeps both of two concurrent updates of different fields', async () => {
      await harness.client.send(CatalogContract.createProduct, product('RACE-1'));
      await Promise.all([
        harness.client.send(CatalogContract.updateProduct, {
          sku: 'RACE-1',
          price: { amount: 1_500, currency: 'EUR' },
        }),
        harness.client.send(CatalogContract.updateProduct, { sku: 'RACE-1', active: false }),
      ]);
      const stored = { price: { amount: 1_500, currency: 'EUR' }, active: false };
      await expect(
        harness.client.send(CatalogContract.getProduct, { sku: 'RACE-1', includeInactive: true }),
      ).resolves.toMatchObject(stored);
      await eventually(() => {
        const events = harness.events(CatalogContract.productChanged).filter((event) => event.sku === 'RACE-1');
        expect(events).toHaveLength(3);
        expect(events.at(-1)).toMatchObject(stored);
      });
    });

    it('answers NotFound for an unknown sku', async () => {
      await expect(
        harness.client.send(CatalogContract.updateProduct, { sku: 'NOPE', active: false }),
      ).rejects.toBeInstanceOf(NotFoundError);
    });
  });
});
