export { CatalogModule } from './catalog.module.js';
export { catalogData } from './catalog.data.js';
