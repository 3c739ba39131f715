export * from './eventually.js';
export * from './spawn-service.js';
