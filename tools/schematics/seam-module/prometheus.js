// @ts-check
// A new module's scrape target in a Prometheus configuration (deploy/prometheus.yml): in every job
// that lists module services by hand (`targets: ["orders:9105"]`, `labels: { process: orders-service }`),
// a copy of the last module's group with the new module's host and HTTP port. The port is the new
// module's `httpPort` in the topology whose `httpPort` for the copied module is the copied target's
// port (split-tcp for deploy/compose.yaml's job). The file mixes flow styles the `yaml` package
// cannot print back as written (`["a"]` beside `{ a: b }`), so the group's lines are copied as
// text, and the result is checked by parsing it: it must be the file's document with the group added.
const { isMap, isScalar, isSeq, parse, parseDocument } = require('yaml');

const TARGET = /^([a-z0-9-]+):(\d+)$/;

/**
 * @typedef {{ text: string, summary: string }} Edited the file with the module added, and what was added
 * @typedef {{ skipped: string }} Skipped nothing to add, and why
 * @typedef {{ problem: string }} Problem the file lists modules but could not be edited, and why
 */

/**
 * The Prometheus configuration with the new module scraped wherever the last-listed module is, or
 * why not. `undefined` when the file has no `scrape_configs` naming a module by host. Pure.
 * @param {string} text the configuration
 * @param {string} name the new module
 * @param {string[]} modules the modules that existed before it, in topologies.json order
 * @param {any} topologies topologies.json with the new module placed in every topology
 * @returns {Edited | Skipped | Problem | undefined}
 */
function addToScrapeConfig(text, name, modules, topologies) {
  const doc = parseDocument(text);
  if (doc.errors.length > 0) return undefined;
  const jobs = doc.get('scrape_configs', true);
  if (!isSeq(jobs)) return undefined;

  /** @type {Array<{ job: string, group: import('yaml').YAMLMap, model: string, port: number }>} */
  const found = [];
  for (const job of jobs.items) {
    const groups = isMap(job) ? job.get('static_configs', true) : undefined;
    if (!isSeq(groups)) continue;
    const byModule = new Map();
    for (const group of groups.items) {
      const targets = isMap(group) ? group.get('targets', true) : undefined;
      if (!isSeq(targets)) continue;
      for (const target of targets.items) {
        const match = isScalar(target) ? TARGET.exec(String(target.value)) : null;
        if (match && modules.includes(String(match[1]))) byModule.set(match[1], { group, port: Number(match[2]) });
      }
    }
    const model = modules.findLast((module) => byModule.has(module));
    if (model) found.push({ job: String(/** @type {any} */ (job).get('job_name')), model, ...byModule.get(model) });
  }
  if (found.length === 0) return undefined;

  let edited = text;
  const summaries = [];
  // From the end of the file, so that the offsets of the groups not yet copied hold.
  for (const { job, group, model, port } of found.toSorted((a, b) => groupStart(b.group) - groupStart(a.group))) {
    const ports = new Set(
      Object.values(topologies.topologies ?? {})
        .filter((topology) => topology.modules?.[model]?.httpPort === port)
        .map((topology) => topology.modules?.[name]?.httpPort),
    );
    if (ports.size !== 1) {
      return {
        problem: `its job ${job} scrapes ${model} on port ${port}, which is not ${model}'s httpPort in exactly one kind of topology`,
      };
    }
    const [newPort] = ports;
    if (!Number.isInteger(newPort)) return { skipped: `${name} serves no HTTP port where ${model} serves ${port}` };
    const targets = group.get('targets', true);
    if (!isSeq(targets) || targets.items.length !== 1)
      return { problem: `its job ${job} scrapes ${model} in a group of several targets` };

    const start = edited.lastIndexOf('\n', groupStart(group)) + 1;
    const end = lineEnd(edited, /** @type {[number, number, number]} */ (group.range)[1]);
    const copy = renamed(edited.slice(start, end), model, name, port, /** @type {number} */ (newPort));
    edited = `${edited.slice(0, end)}${copy}${edited.slice(end)}`;
    summaries.unshift(`target ${name}:${newPort} in job ${job} (a copy of the ${model} target)`);
  }

  if (!isExpected(text, edited, name, found)) {
    return { problem: 'copying its groups as text would not give the file with the new targets added' };
  }
  return { text: edited, summary: summaries.join(', ') };
}

/** Where a group's map starts (after its `- `). */
const groupStart = (/** @type {import('yaml').YAMLMap} */ group) =>
  /** @type {[number, number, number]} */ (group.range)[0];

/**
 * The offset after the line on which `offset` (the end of a node's value) falls, its newline included.
 * @param {string} text
 * @param {number} offset
 */
function lineEnd(text, offset) {
  const at = text.indexOf('\n', Math.max(offset - 1, 0));
  return at === -1 ? text.length : at + 1;
}

/**
 * The copied lines, scraping the new module: `orders:9105` becomes `gift-cards:9107`, and
 * `orders-service` or `orders` as a whole value becomes `gift-cards-service` or `gift-cards`.
 * @param {string} lines
 * @param {string} model
 * @param {string} name
 * @param {number} port
 * @param {number} newPort
 */
function renamed(lines, model, name, port, newPort) {
  const word = (/** @type {string} */ value) =>
    new RegExp(`(?<![\\w.-])${value.replaceAll('-', '\\-')}(?![\\w.-])`, 'g');
  return lines
    .replace(word(`${model}:${port}`), `${name}:${newPort}`)
    .replace(word(`${model}-service`), `${name}-service`)
    .replace(word(model), name);
}

/**
 * Whether `edited` parses to `text`'s document with, in each job of `found`, a group for the new
 * module right after the copied one's: the same group with its target and labels renamed.
 * @param {string} text
 * @param {string} edited
 * @param {string} name
 * @param {Array<{ job: string, model: string }>} found
 */
function isExpected(text, edited, name, found) {
  /** @type {any} */
  const before = parse(text);
  /** @type {any} */
  let after;
  try {
    after = parse(edited);
  } catch {
    return false;
  }
  for (const { job, model } of found) {
    const groups = before.scrape_configs.find((/** @type {any} */ each) => each.job_name === job).static_configs;
    const at = groups.findIndex((/** @type {any} */ group) =>
      group.targets?.some((/** @type {string} */ target) => target.startsWith(`${model}:`)),
    );
    const added = after.scrape_configs.find((/** @type {any} */ each) => each.job_name === job)?.static_configs?.[
      at + 1
    ];
    const target = added?.targets?.[0];
    if (typeof target !== 'string' || !target.startsWith(`${name}:`)) return false;
    const expected = JSON.parse(
      JSON.stringify(groups[at])
        .replaceAll(`"${model}-service"`, `"${name}-service"`)
        .replaceAll(`"${model}"`, `"${name}"`),
    );
    expected.targets = [target];
    groups.splice(at + 1, 0, expected);
  }
  return JSON.stringify(before) === JSON.stringify(after);
}

module.exports = { addToScrapeConfig };
