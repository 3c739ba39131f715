import { ANY_CALLER, type ContractEntry, type DtoClass, type EventEntry, type RequestEntry } from './contract.types.js';

const MODULE_NAME = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;
const KEBAB = '[a-z][a-z0-9]*(?:-[a-z0-9]+)*';
const VERB_NOUN = '[a-z][a-z0-9]*(?:-[a-z0-9]+)+';
/** What a caller may call itself: `unknown` is what a nameless caller becomes, so it is never listed. */
const CALLER_NAME = /^[a-z][a-z0-9-]{0,62}$/;
const CONTRACT_MODULE = Symbol('seam.contract.module');

/** A request entry as written inside `defineContract`, before it is bound to its module. */
export interface RequestDraft<Req, Res> {
  readonly kind: 'request';
  readonly pattern: string;
  readonly request: DtoClass<Req>;
  readonly response: DtoClass<Res>;
  readonly idempotent: boolean;
  readonly callers: readonly string[];
  readonly onBehalfOf?: string;
  readonly systemCallers?: readonly string[];
}

/** An event entry as written inside `defineContract`, before it is bound to its module. */
export interface EventDraft<P> {
  readonly kind: 'event';
  readonly pattern: string;
  readonly payload: DtoClass<P>;
  readonly subscribers: readonly string[];
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyDraft = RequestDraft<any, any> | EventDraft<any>;

/** The value `defineContract` returns: the entries, each bound to the module. */
export type Contract<Entries extends Record<string, AnyDraft>> = {
  readonly [K in keyof Entries]: Entries[K] extends RequestDraft<infer Req, infer Res>
    ? RequestEntry<Req, Res>
    : Entries[K] extends EventDraft<infer P>
      ? EventEntry<P>
      : never;
};

/**
 * Declares a command or query of a contract.
 *
 * @param pattern `<module>.<verb>-<noun>`, e.g. `orders.place-order`.
 * @param options.idempotent whether a retry is safe (default `false`).
 * @param options.callers who may call it (required: there is no "anyone" by default) — module
 * names, `EDGE`, or `[ANY_CALLER]`; see {@link RequestEntry.callers}.
 * @param options.onBehalfOf the optional payload field naming the end user; a call without it is
 * accepted only from `options.systemCallers` (default nobody).
 */
export function request<Req, Res>(options: {
  pattern: string;
  request: DtoClass<Req>;
  response: DtoClass<Res>;
  idempotent?: boolean;
  callers: readonly string[];
  onBehalfOf?: keyof Req & string;
  systemCallers?: readonly string[];
}): RequestDraft<Req, Res> {
  return { kind: 'request', idempotent: false, ...options };
}

/**
 * Declares an integration event of a contract.
 *
 * @param pattern `<module>.<noun>.<past-participle>`, e.g. `orders.order.placed`.
 * @param subscribers the modules that may subscribe to it (required), or `[ANY_CALLER]`.
 */
export function event<P>(options: {
  pattern: string;
  payload: DtoClass<P>;
  subscribers: readonly string[];
}): EventDraft<P> {
  return { kind: 'event', ...options };
}

/**
 * Declares a module's contract once: its commands, queries and events. The result is frozen;
 * its entries are what callers pass to `SeamClient.send`/`emit` and handlers to `@Handle`/`@Subscribe`.
 *
 * @throws Error at import time when a name breaks the conventions (kebab-case module,
 * `<module>.<verb>-<noun>`, `<module>.<noun>.<past>`), two entries share a pattern, or an
 * allow-list (`callers`, `systemCallers`, `subscribers`) is missing, empty or malformed.
 */
export function defineContract<const Entries extends Record<string, AnyDraft>>(
  module: string,
  entries: Entries,
): Contract<Entries> {
  if (!MODULE_NAME.test(module)) {
    throw new Error(`Contract module name "${module}" must be kebab-case (e.g. "orders", "order-history")`);
  }
  const bound: Record<string, ContractEntry> = {};
  const seen = new Map<string, string>();
  for (const [name, draft] of Object.entries(entries)) {
    assertPattern(module, name, draft);
    const first = seen.get(draft.pattern);
    if (first !== undefined) {
      throw new Error(
        `Contract "${module}": entries "${first}" and "${name}" both declare "${draft.pattern}"; patterns must be unique`,
      );
    }
    seen.set(draft.pattern, name);
    bound[name] = Object.freeze({ ...draft, ...frozenLists(module, name, draft), module }) as ContractEntry;
  }
  Object.defineProperty(bound, CONTRACT_MODULE, { value: module });
  return Object.freeze(bound) as Contract<Entries>;
}

/** The module name a contract was declared for. */
export function contractModule(contract: object): string {
  const module = (contract as Record<symbol, unknown>)[CONTRACT_MODULE];
  if (typeof module !== 'string') throw new Error('Not a contract: declare it with defineContract()');
  return module;
}

/** The entries of a contract, in declaration order. */
export function contractEntries(contract: object): ContractEntry[] {
  contractModule(contract);
  return Object.values(contract) as ContractEntry[];
}

function assertPattern(module: string, name: string, draft: AnyDraft): void {
  const prefix = module.replace(/-/g, '\\-');
  const shape =
    draft.kind === 'request'
      ? new RegExp(`^${prefix}\\.${VERB_NOUN}$`)
      : new RegExp(`^${prefix}\\.${KEBAB}\\.${KEBAB}$`);
  if (!shape.test(draft.pattern)) {
    const expected = draft.kind === 'request' ? `${module}.<verb>-<noun>` : `${module}.<noun>.<past-participle>`;
    throw new Error(`Contract "${module}": entry "${name}" has pattern "${draft.pattern}", expected ${expected}`);
  }
  const classes = draft.kind === 'request' ? [draft.request, draft.response] : [draft.payload];
  if (!classes.every(isClass)) {
    const got = classes.map((c) => (isClass(c) ? 'class' : typeof c === 'function' ? 'arrow function' : typeof c));
    throw new Error(`Contract "${module}": entry "${name}" needs DTO classes, not ${got.join('/')}`);
  }
}

/** The entry's allow-lists, checked and frozen (a contract is shared by every caller in a process). */
function frozenLists(module: string, name: string, draft: AnyDraft): Record<string, readonly string[]> {
  const lists: Record<string, unknown> =
    draft.kind === 'request'
      ? {
          callers: draft.callers,
          ...(draft.systemCallers === undefined ? {} : { systemCallers: draft.systemCallers }),
        }
      : { subscribers: draft.subscribers };
  if (draft.kind === 'request' && draft.onBehalfOf !== undefined && typeof draft.onBehalfOf !== 'string') {
    throw new Error(`Contract "${module}": entry "${name}" has an onBehalfOf that is not a field name`);
  }
  const frozen: Record<string, readonly string[]> = {};
  for (const [key, list] of Object.entries(lists)) {
    const emptyAllowed = key !== 'callers';
    if (!isAllowList(list, emptyAllowed)) {
      throw new Error(
        `Contract "${module}": entry "${name}" needs ${key} as a list of module names, "edge" or ["${ANY_CALLER}"] alone`,
      );
    }
    frozen[key] = Object.freeze([...list]);
  }
  return frozen;
}

function isAllowList(value: unknown, emptyAllowed: boolean): value is string[] {
  if (!Array.isArray(value) || (value.length === 0 && !emptyAllowed)) return false;
  if (value.includes(ANY_CALLER)) return value.length === 1;
  return value.every((name) => typeof name === 'string' && CALLER_NAME.test(name) && name !== 'unknown');
}

/** Arrow functions (`() => Dto`, a lazy-type habit) have no prototype and cannot be DTOs. */
function isClass(value: unknown): boolean {
  return typeof value === 'function' && value.prototype !== undefined;
}
