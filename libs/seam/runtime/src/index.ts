export { ADDRESS_SCHEMES, formatAddress, parseAddress, redact } from './topology/address.js';
export { DEFAULT_TOPOLOGY, DEFAULT_TOPOLOGY_FILE, loadTopology } from './topology/load-topology.js';
export { overrideName, parseTopology } from './topology/parse-topology.js';
export { describeTopology, hostedBy, transportOptionsFor } from './topology/process-options.js';
export { type ProcessRole, type ServicePlacement, type Topology, TopologyError } from './topology/topology.js';
