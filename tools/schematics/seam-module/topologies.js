// @ts-check
// A new module's place in every topology of topologies.json, and the file's own layout.
const { formatJson } = require('./format.js');

const TCP_ADDRESS = /^tcp:\/\/(.+):(\d+)$/;

/**
 * Where a new module goes in one topology: where the topology puts everything else. In a
 * topology whose modules all run as services (split-tcp, split-redis) it is a service like the
 * last one listed: over TCP on the next free port of the topology (and the next free `httpPort`
 * when its services have one), or on the same Redis. Anywhere else (monolith, mixed) it runs in
 * the monolith, from where it can be extracted later by editing this one line.
 * @param {any} topology one entry of `topologies`
 * @returns {'monolith' | { service: string, httpPort?: number }}
 */
function placementFor(topology) {
  const placements = Object.values(topology?.modules ?? {});
  const services = placements.filter((placement) => typeof placement === 'object' && placement !== null);
  if (placements.length === 0 || services.length < placements.length) return 'monolith';

  const model = services.at(-1);
  const tcp = TCP_ADDRESS.exec(String(model.service));
  const tcpPorts = [topology.monolith?.address, ...services.map((service) => service.service)]
    .map((address) => TCP_ADDRESS.exec(String(address))?.[2])
    .filter((port) => port !== undefined)
    .map(Number);
  const httpPorts = services.map((service) => service.httpPort).filter((port) => Number.isInteger(port) && port > 0);
  // Ports are compared regardless of host: the shipped topologies run on one machine.
  const taken = [...tcpPorts, ...httpPorts];
  /** @type {{ service: string, httpPort?: number }} */
  const placement = { service: String(model.service) };
  if (tcp) {
    const port = nextAfter(tcpPorts, taken);
    placement.service = `tcp://${tcp[1]}:${port}`;
    taken.push(port);
  }
  if (httpPorts.length > 0) placement.httpPort = nextAfter(httpPorts, taken);
  return placement;
}

/**
 * The port after the highest of `ports`, skipping any `taken` (the existing numbering continues).
 * @param {number[]} ports
 * @param {number[]} taken
 * @returns {number}
 */
function nextAfter(ports, taken) {
  let port = Math.max(...ports) + 1;
  while (taken.includes(port)) port += 1;
  return port;
}

/**
 * The topology file with `name` added to its module list and placed in every topology.
 * @param {any} document the parsed topologies.json
 * @param {string} name
 * @returns {{ document: any, placements: Record<string, ReturnType<typeof placementFor>> }}
 */
function addModule(document, name) {
  /** @type {Record<string, ReturnType<typeof placementFor>>} */
  const placements = {};
  const topologies = Object.fromEntries(
    Object.entries(document.topologies).map(([topologyName, topology]) => {
      placements[topologyName] = placementFor(topology);
      return [topologyName, { ...topology, modules: { ...topology.modules, [name]: placements[topologyName] } }];
    }),
  );
  return { document: { ...document, modules: [...document.modules, name], topologies }, placements };
}

/**
 * topologies.json as the repository lays it out: one line per module placement, the rest of a
 * placement or a setting on that line (as Prettier prints JSON: a value too long for a line spreads).
 * @param {any} document
 * @returns {string}
 */
function formatTopologies(document) {
  // Keys whose value spreads over lines; every other value stays on one line when it fits.
  const spread = (/** @type {string[]} */ path) =>
    path.length === 0 ||
    (path[0] === 'topologies' && (path.length <= 2 || (path.length === 3 && path[2] === 'modules')));
  return formatJson(document, spread);
}

module.exports = { addModule, formatTopologies, placementFor };
