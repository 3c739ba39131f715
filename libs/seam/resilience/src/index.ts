export * from './call-policies.config.js';
export { DEFAULT_CALL_POLICIES_FILE, loadCallPolicies } from './load-call-policies.js';
export { RetryBudget } from './retry-budget.js';
export { ModulePolicy, type PolicyStats } from './module-policy.js';
export { SeamCallPolicies } from './seam-call-policies.js';
export { SeamResilienceModule } from './seam-resilience.module.js';
