export * from './identity.contract.js';
export * from './identity.dto.js';
export * from './identity.events.js';
