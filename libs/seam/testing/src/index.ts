export * from './eventually.js';
export * from './spawn-service.js';
export { ContractFake, fakeOf, type FakeBehaviour } from './harness/contract-fake.js';
export { EventRecorder } from './harness/event-recorder.js';
export { ModuleHarness, type ModuleHarnessOptions } from './harness/module-harness.js';
export { postgresUnavailableReason, TemporaryPostgres, TEST_POSTGRES_URL } from './temporary-postgres.js';
export { freePort } from './free-port.js';
export { rawHttpExchange } from './raw-http.js';
export { Hold, readRacingRollback } from './hold.js';
export { LoopStalls } from './loop-stalls.js';
export { ensureBuilt } from './ensure-built.js';
export { handledCallsAt } from './handled-calls-at.js';
export {
  builtEntry,
  type RedisUserCredentials,
  type TopologyProcess,
  TopologyProcesses,
  type TopologyProcessesOptions,
} from './topology-processes.js';
