export * from './inventory.contract.js';
export * from './inventory.dto.js';
export * from './inventory.events.js';
