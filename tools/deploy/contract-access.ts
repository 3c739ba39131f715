import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { type ContractEntryInfo, readContracts } from '../architecture/allowed-calls.mjs';

/** The caller name of the HTTP edge in contracts (`EDGE` of `@seam/transport`). */
export const EDGE_CALLER = 'edge';
/** A `callers` list of just this name opens an entry to anyone (`ANY_CALLER`). */
export const ANY_CALLER = '*';

/** Who may reach each module, as the Kubernetes generator needs it. */
export interface ContractAccess {
  /** module → caller name → what it may call there (see {@link contractCallers}). */
  readonly callers: ReadonlyMap<string, ReadonlyMap<string, readonly string[]>>;
  /**
   * Caller names that stand for parts of the monolith's binary besides the edge: the folders of
   * `apps/monolith/src/` (`seed`), as `npm run arch` names them.
   */
  readonly appParts: readonly string[];
  /** event pattern → the modules its contract lets subscribe (`[ANY_CALLER]`: any module). */
  readonly subscribers: ReadonlyMap<string, readonly string[]>;
}

/**
 * Reads the contracts and the monolith's parts of the repository at `root`.
 *
 * @throws ContractAccessError when no contract is found (a wrong root would otherwise give
 *   policies that admit nobody), or as {@link contractCallers}.
 */
export function contractAccess(root: string): ContractAccess {
  const contracts = readContracts(root);
  if (contracts.size === 0) throw new ContractAccessError(`no contract found under ${join(root, 'libs')}`);
  const monolith = join(root, 'apps', 'monolith', 'src');
  const appParts = existsSync(monolith)
    ? readdirSync(monolith, { withFileTypes: true })
        .filter((entry) => entry.isDirectory())
        .map((entry) => entry.name)
        .toSorted()
    : [];
  const subscribers = new Map<string, readonly string[]>();
  for (const contract of contracts.values())
    for (const entry of contract.values()) if (entry.kind === 'event') subscribers.set(entry.pattern, entry.allowed);
  return { callers: contractCallers(contracts), appParts, subscribers };
}

/** A contract the generator cannot turn into a network rule: the manifests are not written. */
export class ContractAccessError extends Error {
  override readonly name = 'ContractAccessError';
}

const NAME = /^[a-z0-9][a-z0-9-]{0,62}$/;

/**
 * Works out, from the contracts, who may open a connection to each module's transport door —
 * the rules of the door (`libs/seam/transport/src/door/caller-permission.ts`) lifted to modules:
 *
 * - the `callers` of each of its request entries (`*` alone: anyone);
 * - `<module>.$subscriptions` and `<module>.$deliver`: the module publishing an event whose
 *   `subscribers` name the module, or are `[ANY_CALLER]` (then every other module). A relay asks
 *   only those modules which events they take, then delivers to those that do
 *   (`libs/seam/messaging/src/subscriber-directory.ts`); its own module it reaches in-process.
 *
 * @param contracts what `readContracts` of `tools/architecture/allowed-calls.mjs` found.
 * @returns module → caller name → the patterns (or `$deliver`/`$subscriptions`) it may call there.
 * @throws ContractAccessError for a caller constant the reader could not resolve, a name that is
 *   not a lowercase DNS-style label, or `*` beside other names.
 */
export function contractCallers(
  contracts: ReadonlyMap<string, ReadonlyMap<string, ContractEntryInfo>>,
): Map<string, Map<string, string[]>> {
  const entries: ContractEntryInfo[] = [];
  for (const contract of contracts.values()) entries.push(...contract.values());
  const byModule = new Map<string, Map<string, string[]>>();
  const admit = (module: string, caller: string, reason: string) => {
    const callers = byModule.get(module) ?? new Map<string, string[]>();
    byModule.set(module, callers);
    const reasons = callers.get(caller) ?? [];
    if (!reasons.includes(reason)) reasons.push(reason);
    callers.set(caller, reasons);
  };
  for (const entry of entries) {
    checkName(entry.module, `module of "${entry.pattern}"`);
    byModule.set(entry.module, byModule.get(entry.module) ?? new Map());
    if (entry.allowed.includes(ANY_CALLER) && entry.allowed.length > 1)
      throw new ContractAccessError(`"${entry.pattern}": "*" (ANY_CALLER) must stand alone in its list`);
    for (const name of entry.allowed) {
      if (name !== ANY_CALLER)
        checkName(name, `${entry.kind === 'request' ? 'caller' : 'subscriber'} of "${entry.pattern}"`);
    }
  }
  const publicEvents: ContractEntryInfo[] = [];
  for (const entry of entries) {
    if (entry.kind === 'request') {
      for (const name of entry.allowed) admit(entry.module, name, entry.pattern);
    } else if (entry.allowed.length === 1 && entry.allowed[0] === ANY_CALLER) {
      publicEvents.push(entry);
    } else {
      for (const name of entry.allowed) admitRelay(admit, name, entry.module);
    }
  }
  // An event anyone may take goes to every module that declares entries (so runs a server).
  const modules = new Set(entries.map((entry) => entry.module));
  for (const entry of publicEvents) for (const module of modules) admitRelay(admit, module, entry.module);
  return byModule;
}

/** Admits `publisher`'s relay to `subscriber`: it asks what the module takes, then delivers. */
function admitRelay(
  admit: (module: string, caller: string, reason: string) => void,
  subscriber: string,
  publisher: string,
): void {
  if (subscriber === publisher) return; // A relay reaches its own module in-process.
  admit(subscriber, publisher, `${subscriber}.$subscriptions`);
  admit(subscriber, publisher, `${subscriber}.$deliver`);
}

function checkName(name: string, what: string): void {
  if (name.startsWith('?'))
    throw new ContractAccessError(
      `${what}: "${name.slice(1)}" is not a name the contract reader could resolve (use a string literal, EDGE, ANY_CALLER or a const declared in the contract file)`,
    );
  if (!NAME.test(name))
    throw new ContractAccessError(`${what}: "${name}" is not a module or caller name (lowercase letters, digits, "-")`);
}
