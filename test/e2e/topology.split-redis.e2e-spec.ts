import { replicaChecks } from './scenarios/replicas.scenarios.js';
import { drainingShutdownChecks } from './scenarios/service-shutdown.scenarios.js';
import { shopSuite } from './support/shop-suite.js';
import { topologyTarget } from './support/topology-target.js';

// The shop's scenarios, unchanged, against topology "split-redis" started as OS processes on a
// private redis-server (skipped, with the reason in its title, without one), with its 2 replicas
// of inventory and of payments; then the replicas are shown to share the work without
// duplicating it, and a replica stopped with calls in flight to finish them.
shopSuite(topologyTarget('split-redis'), (system) => {
  replicaChecks(system);
  drainingShutdownChecks(system);
});
