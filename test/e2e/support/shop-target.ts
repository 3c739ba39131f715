import type { Server } from 'node:http';

/** A running shop that the journeys drive over HTTP. */
export interface ShopSystem {
  /** Where requests go: the in-process app's HTTP server, or the base URL of the edge process. */
  readonly app: Server | string;
  /**
   * What the edge's `/health` lists when everything is up: the database of each module it hosts
   * and each transport it serves on (remote modules are their own processes' business).
   */
  readonly edgeHealthChecks: readonly string[];
  /** Stops the system and starts it again on the same data. */
  restart(): Promise<void>;
  /**
   * Takes `module` down as the target's {@link Outage} says; answers the base URLs of the
   * processes that were stopped (none when the module lives in the test process).
   */
  takeDown(module: string): Promise<string[]>;
  /** Stops everything the system started and removes its data. */
  stop(): Promise<void>;
}

/** How the platform checks take a module down in a target, to see the system report it. */
export type Outage =
  /** The module's DataSource is destroyed inside the running app: the edge's `/health` names it (503). */
  | { kind: 'database'; module: string }
  /**
   * Every process of the module's service is killed: the edge keeps serving what does not need
   * it, answers what does with a 503 problem, and its own `/health` stays 200.
   */
  | { kind: 'service'; module: string }
  /** Nothing this target can take down from outside; `reason` says why (it goes in the skipped test's title). */
  | { kind: 'none'; reason: string };

/** Something the e2e suite runs against: the in-process monolith on a database, a topology as processes, … */
export interface ShopTarget<S extends ShopSystem = ShopSystem> {
  /** The suite's title. */
  title: string;
  /** Why the suite cannot run here (it is skipped with this reason in its title). */
  skipReason?: string;
  outage: Outage;
  /** How long one test may take (default: the jest config's): processes make every step slower. */
  testTimeoutMs?: number;
  /** How long {@link start} may take (building the apps included). */
  startTimeoutMs: number;
  start(): Promise<S>;
}
