export * from './compose-greeting.dto.js';
export * from './greeting-composed.event.js';
export * from './greeter.contract.js';
