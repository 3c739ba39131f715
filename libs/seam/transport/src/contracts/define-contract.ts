import type { ContractEntry, DtoClass, EventEntry, RequestEntry } from './contract.types.js';

const MODULE_NAME = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;
const KEBAB = '[a-z][a-z0-9]*(?:-[a-z0-9]+)*';
const VERB_NOUN = '[a-z][a-z0-9]*(?:-[a-z0-9]+)+';
const CONTRACT_MODULE = Symbol('seam.contract.module');

/** A request entry as written inside `defineContract`, before it is bound to its module. */
export interface RequestDraft<Req, Res> {
  readonly kind: 'request';
  readonly pattern: string;
  readonly request: DtoClass<Req>;
  readonly response: DtoClass<Res>;
  readonly idempotent: boolean;
}

/** An event entry as written inside `defineContract`, before it is bound to its module. */
export interface EventDraft<P> {
  readonly kind: 'event';
  readonly pattern: string;
  readonly payload: DtoClass<P>;
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
 */
export function request<Req, Res>(options: {
  pattern: string;
  request: DtoClass<Req>;
  response: DtoClass<Res>;
  idempotent?: boolean;
}): RequestDraft<Req, Res> {
  return { kind: 'request', idempotent: false, ...options };
}

/**
 * Declares an integration event of a contract.
 *
 * @param pattern `<module>.<noun>.<past-participle>`, e.g. `orders.order.placed`.
 */
export function event<P>(options: { pattern: string; payload: DtoClass<P> }): EventDraft<P> {
  return { kind: 'event', ...options };
}

/**
 * Declares a module's contract once: its commands, queries and events. The result is frozen;
 * its entries are what callers pass to `SeamClient.send`/`emit` and handlers to `@Handle`/`@Subscribe`.
 *
 * @throws Error at import time when a name breaks the conventions (kebab-case module,
 * `<module>.<verb>-<noun>`, `<module>.<noun>.<past>`) or two entries share a pattern.
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
    bound[name] = Object.freeze({ ...draft, module }) as ContractEntry;
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

/** Arrow functions (`() => Dto`, a lazy-type habit) have no prototype and cannot be DTOs. */
function isClass(value: unknown): boolean {
  return typeof value === 'function' && value.prototype !== undefined;
}
