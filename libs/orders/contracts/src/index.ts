export * from './orders.contract.js';
export * from './orders.dto.js';
export * from './orders.events.js';
