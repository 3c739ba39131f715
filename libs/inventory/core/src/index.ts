export { InventoryModule } from './inventory.module.js';
export { inventoryData } from './inventory.data.js';
export {
  DEFAULT_RELEASED_RETENTION_MS,
  INVENTORY_CONFIG,
  type InventoryConfig,
  inventoryConfigFromEnv,
} from './inventory.config.js';
