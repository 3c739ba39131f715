/** Money in integer minor units. */
export interface Money {
  amount: number;
  currency: string;
}

/** A product of the catalog: what it is, what it costs, whether it is on sale. */
export interface Product {
  sku: string;
  name: string;
  description: string;
  price: Money;
  active: boolean;
  createdAt: string;
  updatedAt: string;
}

/** The fields an update may change. */
export type ProductChanges = Partial<Pick<Product, 'name' | 'description' | 'price' | 'active'>>;

/** A new product, stamped with `now`. */
export function newProduct(fields: Omit<Product, 'createdAt' | 'updatedAt'>, now: Date): Product {
  const at = now.toISOString();
  return { ...fields, price: { ...fields.price }, createdAt: at, updatedAt: at };
}

/**
 * The product after `changes`, stamped with `now` — or the same product when nothing changes
 * (an update that changes nothing is not a change, and publishes no event).
 */
export function applyChanges(product: Product, changes: ProductChanges, now: Date): Product {
  const next: Product = {
    ...product,
    ...definedOnly(changes),
    price: changes.price ? { ...changes.price } : product.price,
  };
  const changed =
    next.name !== product.name ||
    next.description !== product.description ||
    next.active !== product.active ||
    next.price.amount !== product.price.amount ||
    next.price.currency !== product.price.currency;
  return changed ? { ...next, updatedAt: now.toISOString() } : product;
}

function definedOnly<T extends object>(changes: T): Partial<T> {
  return Object.fromEntries(Object.entries(changes).filter(([, value]) => value !== undefined)) as Partial<T>;
}
