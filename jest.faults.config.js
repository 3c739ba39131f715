// The fault suite (`npm run test:faults`): real processes, killed, frozen and restarted. Same
// transform as the main suite; run in band, since the checks measure timings of real processes.
import base from './jest.config.js';

/** @type {import('jest').Config} */
export default {
  ...base,
  roots: ['<rootDir>/test/faults'],
  testMatch: ['**/*.faults-spec.ts'],
  testTimeout: 300_000,
};
