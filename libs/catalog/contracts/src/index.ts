export * from './catalog.contract.js';
export * from './catalog.dto.js';
export * from './catalog.events.js';
export * from './money.dto.js';
