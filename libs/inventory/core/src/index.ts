export { InventoryModule } from './inventory.module.js';
export { inventoryData } from './inventory.data.js';
