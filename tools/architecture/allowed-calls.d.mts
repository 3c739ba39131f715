// Types for allowed-calls.mjs, so TypeScript tools (the Kubernetes generator) can read the contracts.

/** One entry of a contract, as read statically from its source. */
export interface ContractEntryInfo {
  kind: 'request' | 'event';
  /** The module that owns it (the contract's name). */
  module: string;
  pattern: string;
  /**
   * `callers` of a request, `subscribers` of an event: module names, `edge`, `*`, other app parts
   * (`seed`), or `?NAME` for a constant the reader could not resolve.
   */
  allowed: string[];
}

/** A call or subscription the contracts do not allow. */
export interface AllowedCallViolation {
  rule: 'calls-only-allowed-entries' | 'subscribes-only-allowed-events';
  /** File, relative to the root. */
  from: string;
  /** The entry's pattern. */
  to: string;
  /** The module (or app part) the file belongs to. */
  caller: string;
}

/**
 * Reads every contract under `libs/<module>/contracts/src/` of `root`.
 * @returns contract variable → entry name → entry
 */
export function readContracts(root: string): Map<string, Map<string, ContractEntryInfo>>;

/** Finds the calls and subscriptions of `root`'s code that the contracts do not allow. */
export function findDisallowedCalls(root: string): AllowedCallViolation[];
