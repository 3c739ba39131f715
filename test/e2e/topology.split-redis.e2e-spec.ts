import { aclIdentityChecks } from './scenarios/redis-acl.scenarios.js';
import { replicaChecks } from './scenarios/replicas.scenarios.js';
import { drainingShutdownChecks } from './scenarios/service-shutdown.scenarios.js';
import { shopSuite } from './support/shop-suite.js';
import { topologyTarget } from './support/topology-target.js';

// The shop's scenarios, unchanged, against topology "split-redis" started as OS processes on a
// private redis-server (skipped, with the reason in its title, without one), with its 2 replicas
// of inventory and of payments; then the replicas are shown to share the work without
// duplicating it, and a replica stopped with calls in flight to finish them.
//
// Each process logs in as its own Redis ACL user, as a deployment's do (`npm run
// mesh:keys:compose`, `deploy:k8s --print-secrets`), which makes Redis vouch for callers (ACL
// identities) instead of a signature per envelope; tracing.e2e-spec and the chaos fault test run
// split-redis on a Redis without users, envelopes signed one by one.
shopSuite(topologyTarget('split-redis', { redisUsers: true }), (system) => {
  aclIdentityChecks(system);
  replicaChecks(system);
  drainingShutdownChecks(system);
});
