import { type Endpoint, UNKNOWN_CALLER } from '@seam/transport';
import { formatAddress, parseAddress, redact } from './address.js';
import { addressFrom, MONOLITH_OVERRIDE, overrideName, strayOverrides } from './address-overrides.js';
import { MONOLITH_CALLERS } from './mesh-identities.js';
import { type ServicePlacement, type Topology, TopologyError } from './topology.js';

export { overrideName } from './address-overrides.js';

/** Names of modules and topologies: kebab-case, as module folders and patterns use them. */
const NAME = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;
/** A topology's name becomes a Kubernetes label value (`seam.topology`), which holds at most 63 characters. */
const MAX_TOPOLOGY_NAME_LENGTH = 63;
const SERVICE_KEYS = new Set(['service', 'replicas', 'httpPort']);
/**
 * Names a module cannot take: the monolith's process (a module of that name would share its
 * address setting, SEAM_MONOLITH_ADDRESS, and its Kubernetes objects) and the callers the platform
 * already is — the edge and the seed (their mesh keys and the entries that admit them) and a
 * caller that did not say who it is.
 */
const TAKEN_NAMES: ReadonlyMap<string, string> = new Map([
  ['monolith', 'the monolith process'],
  ...MONOLITH_CALLERS.map((caller): [string, string] => [caller, `a caller of the monolith ("${caller}")`]),
  [UNKNOWN_CALLER, 'what a caller that did not say who it is is called'],
]);
const MAX_REPLICAS = 20;
/** Hosts that all mean "this machine" when two listeners are compared for a clash. */
const THIS_MACHINE = new Set(['127.0.0.1', 'localhost', '::1', '0.0.0.0', '::']);

/**
 * Reads one topology out of a parsed topology file, applies the environment's address
 * overrides, and checks it whole: every problem is collected and thrown at once, so a bad
 * topology never half-starts a system.
 *
 * The file's shape:
 * ```json
 * { "modules": ["catalog", "payments"],
 *   "topologies": {
 *     "mixed": { "description": "…", "monolith": { "address": "tcp://127.0.0.1:4100" },
 *                "modules": { "catalog": "monolith",
 *                             "payments": { "service": "tcp://127.0.0.1:4104", "httpPort": 9104 } } } } }
 * ```
 * Overrides: `SEAM_<MODULE>_ADDRESS` (e.g. `SEAM_PAYMENTS_ADDRESS=tcp://payments:4000`) and
 * `SEAM_MONOLITH_ADDRESS`.
 *
 * Checked by hand rather than by a JSON schema: most rules span fields (a port used twice,
 * replicas that need a load-balanced transport, a module placed nowhere), and each message must
 * say which module and what to do.
 *
 * @throws TopologyError listing every problem.
 */
export function parseTopology(document: unknown, name: string, env: NodeJS.ProcessEnv, source: string): Topology {
  const problems: string[] = [];
  const file = isObject(document)
    ? document
    : (problems.push('the file must hold a JSON object with "modules" and "topologies"'), {});
  const modules = moduleList(file.modules, problems);
  const topologies = isObject(file.topologies)
    ? file.topologies
    : (problems.push('"topologies" must be an object of named topologies'), {});
  if (problems.length > 0) throw new TopologyError(source, problems);

  const raw = topologies[name];
  if (!Object.hasOwn(topologies, name) || !isObject(raw)) {
    throw new TopologyError(source, [
      `unknown topology "${name}": this file has ${
        Object.keys(topologies)
          .map((known) => `"${known}"`)
          .join(', ') || 'none'
      }`,
    ]);
  }
  if (!NAME.test(name) || name.length > MAX_TOPOLOGY_NAME_LENGTH)
    problems.push(
      `topology name "${name}" must be kebab-case (e.g. "payments-split-v2") and at most ${MAX_TOPOLOGY_NAME_LENGTH} characters: it labels every process and Kubernetes object`,
    );
  const topology = placeModules(name, raw, modules, env, problems);
  problems.push(...strayOverrides(modules, env));
  checkPorts(topology, problems);
  if (problems.length > 0) throw new TopologyError(`${source}, topology "${name}"`, problems);
  return topology;
}

function moduleList(value: unknown, problems: string[]): string[] {
  if (!Array.isArray(value) || value.length === 0) {
    problems.push('"modules" must list the system\'s modules (e.g. ["catalog", "orders"])');
    return [];
  }
  const seen = new Set<string>();
  for (const module of value) {
    if (typeof module !== 'string' || !NAME.test(module))
      problems.push(`"modules": ${JSON.stringify(module)} is not a kebab-case module name`);
    else if (TAKEN_NAMES.has(module))
      problems.push(`"modules": "${module}" is ${TAKEN_NAMES.get(module)}, a name no module may take: choose another`);
    else if (module in Object.prototype)
      // Every table keyed by module would find one under this name where there is none.
      problems.push(`"modules": "${module}" is the name of a property of every JavaScript object: choose another`);
    else if (seen.has(module)) problems.push(`"modules": "${module}" is listed twice`);
    else seen.add(module);
  }
  return [...seen];
}

function placeModules(
  name: string,
  raw: Record<string, unknown>,
  modules: string[],
  env: NodeJS.ProcessEnv,
  problems: string[],
): Topology {
  for (const key of Object.keys(raw)) {
    if (!['description', 'monolith', 'modules'].includes(key))
      problems.push(`unknown setting "${key}" (expected "description", "monolith", "modules")`);
  }
  const placements = isObject(raw.modules)
    ? raw.modules
    : (problems.push('"modules" must map each module to "monolith" or { "service": "<address>" }'), {});
  for (const module of Object.keys(placements)) {
    if (!modules.includes(module))
      problems.push(`unknown module "${module}": the system's modules are ${modules.join(', ')}`);
  }
  const inMonolith: string[] = [];
  const services: ServicePlacement[] = [];
  for (const module of modules) {
    const placement = placements[module];
    if (placement === undefined) {
      problems.push(
        `module "${module}" runs nowhere: place it in the monolith ("${module}": "monolith") or as a service ({ "service": "<address>" })`,
      );
    } else if (placement === 'monolith') {
      inMonolith.push(module);
      if (addressFrom(env, overrideName(module)))
        problems.push(`${overrideName(module)} is set, but "${module}" runs in the monolith in this topology`);
    } else {
      const service = servicePlacement(module, placement, env, problems);
      if (service) services.push(service);
    }
  }
  const address = monolithAddress(raw.monolith, env, problems);
  if (inMonolith.length > 0 && services.length > 0 && !address) {
    problems.push(
      `missing address for the monolith: ${inMonolith.join(', ')} run${inMonolith.length === 1 ? 's' : ''} in it and services must reach ${inMonolith.length === 1 ? 'it' : 'them'} ` +
        '(calls and events); set "monolith": { "address": "tcp://host:port" } or SEAM_MONOLITH_ADDRESS',
    );
  }
  const description = typeof raw.description === 'string' ? raw.description : '';
  return { name, description, modules, monolith: { modules: inMonolith, ...(address ? { address } : {}) }, services };
}

function servicePlacement(
  module: string,
  placement: unknown,
  env: NodeJS.ProcessEnv,
  problems: string[],
): ServicePlacement | undefined {
  if (!isObject(placement)) {
    problems.push(
      `module "${module}": expected "monolith" or { "service": "<address>" }, got ${JSON.stringify(placement)}`,
    );
    return undefined;
  }
  for (const key of Object.keys(placement)) {
    if (!SERVICE_KEYS.has(key))
      problems.push(
        `module "${module}": unknown setting "${key}" (expected ${[...SERVICE_KEYS].map((known) => `"${known}"`).join(', ')})`,
      );
  }
  const override = addressFrom(env, overrideName(module));
  const written = override ?? placement.service;
  if (typeof written !== 'string' || written.trim() === '') {
    problems.push(
      `missing address for module "${module}": set "service": "tcp://host:port" (or redis://host:port) or ${overrideName(module)}`,
    );
    return undefined;
  }
  const address = parsed(written, `module "${module}"${override ? ` (${overrideName(module)})` : ''}`, problems);
  const replicas = wholeNumber(placement.replicas ?? 1, 1, MAX_REPLICAS, `module "${module}": "replicas"`, problems);
  const httpPort = wholeNumber(placement.httpPort ?? 0, 0, 65_535, `module "${module}": "httpPort"`, problems);
  if (!address || replicas === undefined || httpPort === undefined) return undefined;
  if (replicas > 1 && !(address.transport === 'redis' && address.mode !== 'pubsub')) {
    problems.push(
      `module "${module}": ${replicas} replicas need a load-balanced address (redis://): ${redact(formatAddress(address))} ` +
        (address.transport === 'tcp'
          ? 'is one listener (put a load balancer in front and give its address, with 1 replica here)'
          : 'delivers every request to every replica'),
    );
  }
  if (replicas > 1 && httpPort !== 0)
    problems.push(
      `module "${module}": ${replicas} replicas cannot share httpPort ${httpPort} on one machine; use 0 (any free port)`,
    );
  return { module, address, replicas, httpPort };
}

function monolithAddress(raw: unknown, env: NodeJS.ProcessEnv, problems: string[]): Endpoint | undefined {
  if (raw !== undefined && !isObject(raw))
    problems.push('"monolith" must be an object, e.g. { "address": "tcp://127.0.0.1:4100" }');
  const settings = isObject(raw) ? raw : {};
  for (const key of Object.keys(settings))
    if (key !== 'address') problems.push(`"monolith": unknown setting "${key}" (expected "address")`);
  const override = addressFrom(env, MONOLITH_OVERRIDE);
  const written = override ?? settings.address;
  if (written === undefined) return undefined;
  if (typeof written !== 'string') {
    problems.push(`"monolith": "address" must be a string such as "tcp://127.0.0.1:4100"`);
    return undefined;
  }
  return parsed(written, `the monolith${override ? ` (${MONOLITH_OVERRIDE})` : ''}`, problems);
}

/** Two listeners on one port of one machine: TCP module servers and the services' HTTP ports. */
function checkPorts(topology: Topology, problems: string[]): void {
  const listeners: Array<{ who: string; host: string; port: number }> = [];
  if (topology.monolith.address?.transport === 'tcp')
    listeners.push({ who: 'the monolith', ...topology.monolith.address });
  for (const service of topology.services) {
    if (service.address.transport === 'tcp')
      listeners.push({ who: `module "${service.module}"`, host: service.address.host, port: service.address.port });
    if (service.httpPort !== 0)
      listeners.push({ who: `module "${service.module}" (httpPort)`, host: 'localhost', port: service.httpPort });
  }
  const machine = (host: string) => (THIS_MACHINE.has(host) ? 'this machine' : host);
  const seen = new Map<string, string>();
  for (const listener of listeners) {
    const key = `${machine(listener.host)}:${listener.port}`;
    const first = seen.get(key);
    if (first)
      problems.push(`port clash: ${first} and ${listener.who} both listen on ${listener.host}:${listener.port}`);
    else seen.set(key, listener.who);
  }
}

function parsed(address: string, who: string, problems: string[]): Endpoint | undefined {
  try {
    return parseAddress(address.trim());
  } catch (error) {
    problems.push(`${who}: ${(error as Error).message}`);
    return undefined;
  }
}

function wholeNumber(value: unknown, min: number, max: number, what: string, problems: string[]): number | undefined {
  if (typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max) return value;
  problems.push(`${what} must be a whole number from ${min} to ${max}, got ${JSON.stringify(value)}`);
  return undefined;
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
