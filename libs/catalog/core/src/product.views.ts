import type { ProductChanged, ProductView } from '@contracts/catalog';
import { randomUUID } from 'node:crypto';
import type { Product } from './domain/product.js';

/** A product as the contract shows it. */
export function toView(product: Product): ProductView {
  return {
    sku: product.sku,
    name: product.name,
    description: product.description,
    price: { ...product.price },
    active: product.active,
    updatedAt: product.updatedAt,
  };
}

/** The integration event telling other modules a product is now as it is. */
export function changedEvent(product: Product): ProductChanged {
  return {
    id: randomUUID(),
    occurredAt: product.updatedAt,
    sku: product.sku,
    name: product.name,
    price: { ...product.price },
    active: product.active,
  };
}
