import { defineContract, EDGE, event, request } from '@seam/transport';
import {
  CreateProduct,
  GetPrices,
  GetProduct,
  ListProducts,
  PriceList,
  ProductPage,
  ProductView,
  UpdateProduct,
} from './catalog.dto.js';
import { ProductChanged } from './catalog.events.js';

/** The demo seeder of the monolith's binary, which runs beside the edge and calls as `seed`. */
const SEED = 'seed';

/** The catalog module's only door: products and their prices (integer minor units). */
export const CatalogContract = defineContract('catalog', {
  /** A page of products (active ones unless `includeInactive`). Idempotent. */
  listProducts: request({
    pattern: 'catalog.list-products',
    callers: [EDGE],
    request: ListProducts,
    response: ProductPage,
    idempotent: true,
  }),

  /**
   * One product of the active catalog (an inactive one too with `includeInactive`, as for
   * `listProducts`). Idempotent. Fails with `NotFoundError` for an unknown sku and, without
   * `includeInactive`, for an inactive product: the same answer, so a product taken off sale is
   * not shown to customers.
   */
  getProduct: request({
    pattern: 'catalog.get-product',
    callers: [EDGE],
    request: GetProduct,
    response: ProductView,
    idempotent: true,
  }),

  /**
   * Current prices of up to 50 products; unknown skus are listed, not errors, so an order can
   * say which line failed. Idempotent.
   */
  getPrices: request({
    pattern: 'catalog.get-prices',
    callers: [EDGE, 'orders'],
    request: GetPrices,
    response: PriceList,
    idempotent: true,
  }),

  /** Adds a product and publishes {@link ProductChanged}. Fails with `ConflictError` when the sku exists. */
  createProduct: request({
    pattern: 'catalog.create-product',
    callers: [EDGE, SEED],
    request: CreateProduct,
    response: ProductView,
  }),

  /** Changes a product and publishes {@link ProductChanged}. Idempotent. Fails with `NotFoundError`. */
  updateProduct: request({
    pattern: 'catalog.update-product',
    callers: [EDGE],
    request: UpdateProduct,
    response: ProductView,
    idempotent: true,
  }),

  /** A product was created or changed. */
  productChanged: event({ pattern: 'catalog.product.changed', subscribers: [], payload: ProductChanged }),
});
