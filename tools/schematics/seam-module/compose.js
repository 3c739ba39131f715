// @ts-check
// A new module's service in a Docker Compose file: a copy of a module service the file already
// has, with the new module's app, address, HTTP port and replicas taken from its placement in the
// file's topology (topologies.json, as the generator has just written it), and secrets of its own
// where the copied service has its own (the mesh keys file: `mesh-keys-<module>`). Edited with the `yaml`
// package's Document API, so comments, anchors, aliases, quoting and blank lines stay as written.
//
// `yaml` is a devDependency of the repository, resolved from there like @angular-devkit is.
const { isMap, isScalar, isSeq, parseDocument, visit } = require('yaml');

/** How the repository's Compose files are printed. A file that does not print back byte for byte with these is left alone rather than reformatted. */
const PRINT = { lineWidth: 0, flowCollectionPadding: false };

/** `SEAM_<MODULE>_ADDRESS`, as @seam/runtime's overrideName spells it. */
const addressKey = (/** @type {string} */ module) => `SEAM_${module.toUpperCase().replaceAll('-', '_')}_ADDRESS`;

/** An address of topologies.json: transport, host, port and the rest (a Redis database). */
const ADDRESS = /^([a-z-]+):\/\/([^/:]+):(\d+)(\/.*)?$/;

/** dclint orders services and `depends_on` entries with localeCompare; so does this file. */
const before = (/** @type {string} */ a, /** @type {string} */ b) => a.localeCompare(b) < 0;

/**
 * @typedef {import('yaml').YAMLMap<unknown, unknown>} YamlMap
 * @typedef {import('yaml').Pair<unknown, unknown>} YamlPair
 * @typedef {{ text: string, summary: string }} Edited the file with the module added, and what was added
 * @typedef {{ skipped: string }} Skipped nothing to add, and why
 * @typedef {{ problem: string }} Problem the file lists modules but could not be edited, and why
 * @typedef {{ clash: string }} Clash the file already has a service of the new module's name
 */

/**
 * The Compose file with the new module added the way its last-listed module service is written,
 * or why not. `undefined` when the file runs no module (not a Compose file of this repository's
 * modules). Pure: the caller decides what to write.
 * @param {string} text the Compose file
 * @param {string} name the new module
 * @param {string[]} modules the modules that existed before it, in topologies.json order
 * @param {any} topologies topologies.json with the new module placed in every topology
 * @returns {Edited | Skipped | Problem | Clash | undefined}
 */
function addToCompose(text, name, modules, topologies) {
  const doc = parseDocument(text);
  if (doc.errors.length > 0) return { problem: `it does not parse as YAML (${doc.errors[0]?.message.split('\n')[0]})` };
  const services = doc.get('services', true);
  if (!isMap(services)) return undefined;
  const serviceName = (/** @type {YamlPair} */ pair) => (isScalar(pair.key) ? String(pair.key.value) : '');
  const present = modules.filter((module) => services.has(module));
  if (present.length === 0) return undefined;
  if (services.has(name)) return { clash: `it has a service named "${name}" already` };
  if (doc.toString(PRINT) !== text)
    return { problem: 'the yaml package would not print it back unchanged, so editing it would reformat it' };

  const topologyNames = new Set();
  visit(doc, {
    Pair(_, pair) {
      if (isScalar(pair.key) && pair.key.value === 'SEAM_TOPOLOGY' && isScalar(pair.value))
        topologyNames.add(String(pair.value.value));
    },
  });
  if (topologyNames.size !== 1)
    return {
      problem: `it sets SEAM_TOPOLOGY to ${topologyNames.size === 0 ? 'nothing' : [...topologyNames].join(' and ')}, so its topology is not one`,
    };
  const [topologyName] = topologyNames;
  const topology = topologies.topologies?.[topologyName];
  if (!topology) return { problem: `its SEAM_TOPOLOGY "${topologyName}" is not a topology of topologies.json` };
  const placement = topology.modules?.[name];
  if (typeof placement !== 'object' || placement === null)
    return { skipped: `${name} runs in the monolith in topology ${topologyName}` };
  const address = ADDRESS.exec(String(placement.service));
  if (!address)
    return {
      problem: `${name}'s address in topology ${topologyName}, "${placement.service}", is not transport://host:port`,
    };

  // Wherever the file gives the other modules' addresses (an anchored environment, say), the new one's goes too.
  /** @type {Array<{ map: YamlMap, value: string }>} */
  const addresses = [];
  /** @type {string | undefined} */
  let missing;
  visit(doc, {
    Map(_, map) {
      const listed = present.filter((module) => map.has(addressKey(module)));
      if (listed.length === 0) return;
      // TCP: the new service's own name, which Compose resolves; Redis (one broker for all): the address a module on the same broker has here.
      const peer = listed.find((module) => topology.modules?.[module]?.service === placement.service);
      const value =
        address[1] === 'tcp' ? `tcp://${name}:${address[3]}` : peer ? String(map.get(addressKey(peer))) : undefined;
      if (value === undefined)
        missing ??= `no module here reaches ${placement.service}, so which host stands for it is unknown`;
      else addresses.push({ map, value });
    },
  });
  if (missing) return { problem: missing };

  // Before the copy is made, so that a service that lists the addresses itself passes the new one on.
  for (const { map, value } of addresses) {
    const last = map.items.findLastIndex((pair) => present.some((module) => serviceName(pair) === addressKey(module)));
    map.items.splice(last + 1, 0, doc.createPair(addressKey(name), value));
  }

  const model = /** @type {string} */ (present.at(-1));
  const modelPair = /** @type {YamlPair} */ (services.items.find((pair) => serviceName(pair) === model));
  if (!isMap(modelPair.value)) return { problem: `its service ${model} is not a map to copy` };
  const service = /** @type {YamlMap} */ (modelPair.value.clone());
  // The model's own secrets (its mesh keys: `mesh-keys-orders`) are not the copy's: it gets its own.
  const secrets = ownSecrets(service, model).map((secret) => ({ secret, renamed: renamedFor(secret, model, name) }));
  const definitions = doc.get('secrets', true);
  for (const { secret, renamed } of secrets) {
    if (!isMap(definitions) || !definitions.has(secret))
      return { problem: `its service ${model} uses the secret ${secret}, which the file does not define` };
    if (definitions.has(renamed)) return { problem: `it defines a secret ${renamed} already` };
  }
  const renames = new Map(secrets.map(({ secret, renamed }) => [secret, renamed]));
  visit(service, {
    Scalar(key, node) {
      if (key === 'key') return;
      if (node.value === `${model}-service`) node.value = `${name}-service`;
      else if (node.value === model) node.value = name;
      // Its Redis user (`SEAM_REDIS_USERNAME`), named as the deploy tooling names it: seam-<module>.
      else if (node.value === `seam-${model}`) node.value = `seam-${name}`;
      else if (typeof node.value === 'string') node.value = withSecretRenamed(node.value, renames);
    },
  });
  // A container name and published host ports must be unique in a stack: the copy gets neither.
  service.delete('container_name');
  service.delete('ports');
  const httpPort = Number.isInteger(placement.httpPort) && placement.httpPort > 0 ? placement.httpPort : undefined;
  if (httpPort !== undefined) setPort(service.get('environment', true), httpPort);
  const replicas = Number.isInteger(placement.replicas) ? placement.replicas : 1;
  if (replicas > 1) service.setIn(['deploy', 'replicas'], replicas);
  else if (service.hasIn(['deploy', 'replicas'])) {
    service.deleteIn(['deploy', 'replicas']);
    const deploy = service.get('deploy', true);
    if (isMap(deploy) && deploy.items.length === 0) service.delete('deploy');
  }

  // Services that wait for every module (the monolith, the edge) wait for this one too.
  const dependants = [];
  for (const pair of services.items) {
    const dependsOn = isMap(pair.value) ? pair.value.get('depends_on', true) : undefined;
    const others = present.filter((module) => module !== serviceName(pair));
    if (others.length === 0 || !(isMap(dependsOn) || isSeq(dependsOn))) continue;
    const entries = dependsOn.items.map((item) =>
      isScalar(item) ? String(item.value) : serviceName(/** @type {YamlPair} */ (item)),
    );
    if (!others.every((module) => entries.includes(module))) continue;
    const at = insertionIndex(entries, name);
    if (isMap(dependsOn)) {
      const peer = /** @type {import('yaml').Node} */ (dependsOn.get(others.at(-1), true));
      dependsOn.items.splice(at, 0, doc.createPair(name, peer.clone()));
    } else {
      dependsOn.items.splice(at, 0, doc.createNode(name));
    }
    dependants.push(serviceName(pair));
  }

  for (const { secret, renamed } of secrets) {
    const secretsMap = /** @type {YamlMap} */ (doc.get('secrets', true));
    const copied = /** @type {import('yaml').Node} */ (secretsMap.get(secret, true));
    const definition = /** @type {import('yaml').Node} */ (copied.clone());
    visit(definition, {
      Scalar(key, node) {
        if (key !== 'key' && typeof node.value === 'string') node.value = withFileRenamed(node.value, model, name);
      },
    });
    const at = insertionIndex(secretsMap.items.map(serviceName), renamed);
    const key = doc.createNode(renamed);
    // A comment above the first secret is about them all: it stays first.
    const first = secretsMap.items[0];
    if (at === 0 && first && isScalar(first.key) && first.key.commentBefore) {
      key.commentBefore = first.key.commentBefore;
      first.key.commentBefore = undefined;
    }
    secretsMap.items.splice(at, 0, doc.createPair(key, definition));
  }

  const names = services.items.map(serviceName);
  const at = insertionIndex(names, name);
  const key = doc.createNode(name);
  const spaced = services.items.slice(1).some((pair) => isScalar(pair.key) && pair.key.spaceBefore);
  key.spaceBefore = at > 0 && spaced;
  const next = services.items[at];
  if (at === 0 && next && isScalar(next.key)) next.key.spaceBefore = spaced;
  services.items.splice(at, 0, doc.createPair(key, service));

  const summary = [
    `service ${name} (a copy of ${model}) in topology ${topologyName}`,
    ...addresses.slice(0, 1).map(({ value }) => `${addressKey(name)}=${value}`),
    ...(httpPort === undefined ? [] : [`PORT ${httpPort}`]),
    ...(replicas > 1 ? [`${replicas} replicas`] : []),
    ...secrets.map(({ renamed }) => `its own secret ${renamed}`),
    ...(dependants.length > 0 ? [`awaited by ${dependants.join(', ')}`] : []),
  ];
  return { text: doc.toString(PRINT), summary: summary.join(', ') };
}

/**
 * Sets `PORT` in a service's own environment (a map, or a list of `KEY=value`), keeping how it
 * is quoted; an environment that only merges or names a shared one is left as it is.
 * @param {unknown} environment
 * @param {number} port
 */
function setPort(environment, port) {
  if (isMap(environment)) {
    const current = environment.get('PORT', true);
    if (isScalar(current)) current.value = typeof current.value === 'number' ? port : String(port);
  } else if (isSeq(environment)) {
    for (const item of environment.items) {
      if (isScalar(item) && String(item.value).startsWith('PORT=')) item.value = `PORT=${port}`;
    }
  }
}

/**
 * The secrets a service lists (short syntax or `source:`) that are its own: named after its module
 * as `<something>-<module>`, the way the mesh keys are (`mesh-keys-orders`).
 * @param {YamlMap} service
 * @param {string} model
 * @returns {string[]}
 */
function ownSecrets(service, model) {
  const listed = service.get('secrets', true);
  if (!isSeq(listed)) return [];
  return listed.items
    .map((item) => (isScalar(item) ? item.value : isMap(item) ? item.get('source') : undefined))
    .filter((secret) => typeof secret === 'string' && secret.endsWith(`-${model}`))
    .map(String);
}

/** `mesh-keys-orders` for `gift-cards`: `mesh-keys-gift-cards`. */
const renamedFor = (/** @type {string} */ secret, /** @type {string} */ model, /** @type {string} */ name) =>
  `${secret.slice(0, -model.length)}${name}`;

/**
 * A value of the copied service with the model's secrets renamed: the secret itself, or a path
 * that ends in it (`/run/secrets/mesh-keys-orders`, what SEAM_MESH_KEYS_FILE names).
 * @param {string} value
 * @param {Map<string, string>} renames
 */
function withSecretRenamed(value, renames) {
  for (const [secret, renamed] of renames) {
    if (value === secret) return renamed;
    if (value.endsWith(`/${secret}`)) return `${value.slice(0, -secret.length)}${renamed}`;
  }
  return value;
}

/**
 * A value of the copied secret definition with the model's file renamed: `./mesh-keys/orders.json`
 * becomes `./mesh-keys/gift-cards.json`. Other values (an environment variable's name) stay.
 * @param {string} value
 * @param {string} model
 * @param {string} name
 */
function withFileRenamed(value, model, name) {
  const slash = value.lastIndexOf('/');
  const file = value.slice(slash + 1);
  if (file === model || file.startsWith(`${model}.`))
    return `${value.slice(0, slash + 1)}${name}${file.slice(model.length)}`;
  return value;
}

/**
 * Where `name` goes in a list kept in alphabetical order: before the first entry that sorts after it.
 * @param {string[]} names
 * @param {string} name
 */
function insertionIndex(names, name) {
  const at = names.findIndex((existing) => before(name, existing));
  return at === -1 ? names.length : at;
}

module.exports = { addToCompose };
