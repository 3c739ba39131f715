import { beforeAll, describe } from '@jest/globals';
import { twoPaymentReplicasDefect } from './scenarios/known-defects.scenarios.js';
import { replicaChecks } from './scenarios/replicas.scenarios.js';
import { drainingShutdownChecks } from './scenarios/service-shutdown.scenarios.js';
import { shopSuite } from './support/shop-suite.js';
import { topologyTarget } from './support/topology-target.js';

// The shop's scenarios, unchanged, against topology "split-redis" started as OS processes on a
// private redis-server (skipped, with the reason in its title, without one). They run with one
// payments replica (see known-defects.scenarios.ts); then a second one starts, and the replicas
// of inventory and of payments are shown to share the work without duplicating it, and a
// replica stopped with calls in flight to finish them.
const target = topologyTarget('split-redis', {
  replicas: { counts: { payments: 1 }, reason: 'the fake payment provider keeps authorizations in process memory (known defect); two replicas after the journeys' },
});

shopSuite(target, (system) => {
  describe('with a second payments replica', () => {
    beforeAll(async () => {
      await system().processes.startService('payments', 1);
    }, 60_000);
    twoPaymentReplicasDefect(system);
    replicaChecks(system);
    drainingShutdownChecks(system);
  });
});
