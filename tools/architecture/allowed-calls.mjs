// Who-may-call rules: code of a module may call only the entries whose contract names it among
// their `callers`, and subscribe only to the events that name it among their `subscribers`. The
// door refuses such calls at run time anyway; this finds them before anything runs. A static read
// of the sources, not a type-checker: contracts are declared in one literal shape by convention.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';

/** The names `@seam/transport` gives to special callers, as written in contracts. */
const CALLER_CONSTANTS = { EDGE: 'edge', ANY_CALLER: '*' };

const SPEC_FILE = /\.(spec|int-spec|e2e-spec)\.ts$/;
const CONTRACT_FILE = /\.contract\.ts$/;

/**
 * @typedef {object} ContractEntryInfo
 * @property {'request' | 'event'} kind
 * @property {string} module   the module that owns it
 * @property {string} pattern
 * @property {string[]} allowed `callers` of a request, `subscribers` of an event
 */

/**
 * @typedef {object} AllowedCallViolation
 * @property {'calls-only-allowed-entries' | 'subscribes-only-allowed-events'} rule
 * @property {string} from file, relative to the root
 * @property {string} to   the entry's pattern
 * @property {string} caller the module (or app part) the file belongs to
 */

/**
 * Reads every contract under `libs/<module>/contracts/src/` of `root`: the variable each is bound
 * to, and for each entry its pattern and allow-list.
 * @param {string} root
 * @returns {Map<string, Map<string, ContractEntryInfo>>} contract variable → entry name → entry
 */
export function readContracts(root) {
  /** @type {Map<string, Map<string, ContractEntryInfo>>} */
  const contracts = new Map();
  for (const file of sourceFiles(join(root, 'libs'))) {
    if (!CONTRACT_FILE.test(file) || !/\/contracts\/src\//.test(file)) continue;
    const text = readFileSync(file, 'utf8');
    const constants = { ...CALLER_CONSTANTS, ...stringConstants(text) };
    for (const declared of text.matchAll(/export const (\w+) = defineContract\(\s*'([a-z0-9-]+)'\s*,\s*\{/g)) {
      const body = balanced(text, declared.index + declared[0].length - 1);
      const entries = new Map();
      for (const entry of body.matchAll(/(\w+):\s*(request|event)\(\{/g)) {
        const fields = balanced(body, entry.index + entry[0].length - 1);
        const pattern = /pattern:\s*'([^']+)'/.exec(fields)?.[1];
        if (!pattern) continue;
        const kind = /** @type {'request' | 'event'} */ (entry[2]);
        const list = new RegExp(`${kind === 'request' ? 'callers' : 'subscribers'}:\\s*\\[([^\\]]*)\\]`).exec(fields);
        entries.set(entry[1], { kind, module: declared[2], pattern, allowed: names(list?.[1] ?? '', constants) });
      }
      contracts.set(declared[1], entries);
    }
  }
  return contracts;
}

/**
 * Finds the calls and subscriptions that the contracts do not allow. A file calls as the module it
 * belongs to (`libs/<module>/core/`), or, inside an app, as the folder under `src/`
 * (`apps/<app>/src/edge/` calls as `edge`). Specs are left out: they stand in for other callers.
 * A reference `XContract.entry` to a request counts as a call unless it is bound with `@Handle`;
 * a reference to an event counts only inside `@Subscribe(…)`.
 * @param {string} root
 * @returns {AllowedCallViolation[]}
 */
export function findDisallowedCalls(root) {
  const contracts = readContracts(root);
  if (contracts.size === 0) return [];
  /** @type {AllowedCallViolation[]} */
  const violations = [];
  for (const file of [...sourceFiles(join(root, 'libs')), ...sourceFiles(join(root, 'apps'))]) {
    const path = relative(root, file).split('\\').join('/');
    const caller = callerOf(path);
    if (!caller || SPEC_FILE.test(path)) continue;
    const text = readFileSync(file, 'utf8');
    for (const use of text.matchAll(/(@Handle\(\s*|@Subscribe\(\s*)?\b(\w+)\.(\w+)\b/g)) {
      const entry = contracts.get(use[2])?.get(use[3]);
      if (!entry) continue;
      const decorator = use[1]?.trim() ?? '';
      if (entry.kind === 'request' && !decorator.startsWith('@Handle') && !admits(entry.allowed, caller))
        violations.push({ rule: 'calls-only-allowed-entries', from: path, to: entry.pattern, caller });
      if (entry.kind === 'event' && decorator.startsWith('@Subscribe') && !admits(entry.allowed, caller))
        violations.push({ rule: 'subscribes-only-allowed-events', from: path, to: entry.pattern, caller });
    }
  }
  return dedupe(violations);
}

/** @param {string} path relative to the root @returns {string | undefined} */
function callerOf(path) {
  const module = /^libs\/([a-z0-9-]+)\/core\//.exec(path)?.[1];
  if (module && module !== 'seam') return module;
  return /^apps\/[^/]+\/src\/([a-z0-9-]+)\//.exec(path)?.[1];
}

/** @param {string[]} allowed @param {string} caller */
function admits(allowed, caller) {
  return allowed.includes(caller) || (allowed.length === 1 && allowed[0] === '*');
}

/** @param {string} list the inside of `[…]` @param {Record<string, string>} constants */
function names(list, constants) {
  return list
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean)
    .map((item) => /^'([^']*)'$/.exec(item)?.[1] ?? constants[item] ?? `?${item}`);
}

/** `const NAME = 'value';` declarations of a file. @param {string} text */
function stringConstants(text) {
  return Object.fromEntries([...text.matchAll(/const (\w+) = '([^']*)';/g)].map((match) => [match[1], match[2]]));
}

/** The text between the brace at `open` and its match. @param {string} text @param {number} open */
function balanced(text, open) {
  let depth = 0;
  for (let index = open; index < text.length; index++) {
    if (text[index] === '{') depth++;
    else if (text[index] === '}' && --depth === 0) return text.slice(open + 1, index);
  }
  return text.slice(open + 1);
}

/** @param {string} dir @returns {string[]} `.ts` files below `dir`, outside node_modules */
function sourceFiles(dir) {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts'))
    .map((entry) => join(entry.parentPath, entry.name))
    .filter((file) => !/(^|[/\\])node_modules[/\\]/.test(file))
    .toSorted();
}

/** @param {AllowedCallViolation[]} violations */
function dedupe(violations) {
  const seen = new Set();
  return violations.filter((violation) => {
    const key = `${violation.rule} ${violation.from} ${violation.to}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
