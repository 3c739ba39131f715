export * from './payments.contract.js';
export * from './payments.dto.js';
export * from './payments.events.js';
