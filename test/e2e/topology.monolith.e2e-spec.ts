import { shopSuite } from './support/shop-suite.js';
import { topologyTarget } from './support/topology-target.js';

// The shop's scenarios, unchanged, against topology "monolith" started as OS processes from the built apps.
shopSuite(topologyTarget('monolith'));
