import { tcpShutdownChecks } from './scenarios/service-shutdown.scenarios.js';
import { stockClientChecks } from './scenarios/stock-client.scenarios.js';
import { shopSuite } from './support/shop-suite.js';
import { topologyTarget } from './support/topology-target.js';

// The shop's scenarios, unchanged, against topology "mixed" started as OS processes; then a stock
// Nest client calls the extracted payments service, and the service is stopped with calls in flight.
shopSuite(topologyTarget('mixed'), (system) => {
  stockClientChecks(system);
  tcpShutdownChecks(system);
});
