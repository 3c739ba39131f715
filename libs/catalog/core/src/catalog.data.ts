import { defineModuleData } from '@seam/persistence';
import { CreateProduct1764000000000 } from './infrastructure/migrations/1764000000000-create-product.js';
import { CreateCatalogMessaging1764000000001 } from './infrastructure/migrations/1764000000001-create-catalog-messaging.js';
import { IndexCatalogInbox1796600000000 } from './infrastructure/migrations/1796600000000-index-catalog-inbox.js';
import { ProductRecord } from './infrastructure/product.record.js';

/** The catalog's own data: its entities and its migrations, in order. */
export const catalogData = defineModuleData({
  module: 'catalog',
  entities: [ProductRecord],
  migrations: [CreateProduct1764000000000, CreateCatalogMessaging1764000000001, IndexCatalogInbox1796600000000],
});
