// What docs/modules.md is drawn from, as plain data: the loader reads it from the repository, the
// renderer turns it into Markdown, and a test can hand-make it.

/** One entry of a module's contract, as the contract reader (`npm run arch`) sees it. */
export interface DocEntry {
  readonly kind: 'request' | 'event';
  /** The module that answers the request or publishes the event. */
  readonly module: string;
  /** The wire pattern, e.g. `orders.place-order` or `orders.order.placed`. */
  readonly pattern: string;
  /**
   * `callers` of a request, `subscribers` of an event: module names, other callers (`edge`,
   * `seed`), or `*` for anyone.
   */
  readonly allowed: readonly string[];
  /** The exported contract constant, e.g. `OrdersContract`. */
  readonly contract: string;
  /** The entry's key in the contract, e.g. `placeOrder`. */
  readonly name: string;
}

/** A table in a module's own database. */
export interface OwnedTable {
  readonly name: string;
  /** The TypeORM entity class mapped to it, if any. */
  readonly entity?: string;
  /** What it holds when `createMessagingTables` of `@seam/messaging` made it: `outbox`, `dead letters` or `inbox`. */
  readonly messaging?: string;
}

/** A process of one topology and the modules whose doors it serves. */
export interface DocPlacement {
  readonly topology: string;
  /** The Nest project it runs: `monolith` or `<module>-service`. */
  readonly app: string;
  readonly hosts: readonly string[];
  readonly replicas: number;
}

/** Everything `renderModulesDoc` draws. Order does not matter: the renderer sorts. */
export interface ModulesDocInput {
  /** Every module of the system (a module without a contract still gets a section). */
  readonly modules: readonly string[];
  readonly entries: readonly DocEntry[];
  /** module → the tables it owns. */
  readonly tables: Readonly<Record<string, readonly OwnedTable[]>>;
  readonly placements: readonly DocPlacement[];
  /** Nest project name → its root folder (`nest-cli.json`), e.g. `orders-service` → `apps/orders-service`. */
  readonly projects: Readonly<Record<string, string>>;
}

/** Ascending code-unit order: the same on every machine and locale, so the document is stable. */
export const byText = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
