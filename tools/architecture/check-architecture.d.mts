// Types for check-architecture.mjs, so TypeScript suites can call the checker directly.

/** One forbidden import found by the check. */
export interface ArchitectureViolation {
  /** Name of the broken rule, e.g. `core-imports-other-core`. */
  rule: string;
  /** Importing file, relative to the checked root. */
  from: string;
  /** Imported file (or the unresolved specifier), relative to the checked root. */
  to: string;
  /** Why the rule exists. */
  comment: string;
  /** For `no-circular`: the files of the cycle, starting after `from`. */
  cycle?: string[];
}

/** What one run of the check found. */
export interface ArchitectureReport {
  /** Modules found under `libs/` (folders other than `seam` with `contracts/` or `core/`). */
  modules: string[];
  /** Source files scanned, relative to the root, sorted. */
  files: string[];
  /** Empty when every rule holds. */
  violations: ArchitectureViolation[];
}

/**
 * Checks the module boundaries of the repository (or fixture) at `root`.
 * @throws {Error} when `root` has no tsconfig.json or the configuration is invalid
 */
export function checkArchitecture(root: string): Promise<ArchitectureReport>;

/** Formats one violation as `architecture: <rule>: <from> -> <to> (<comment>)`. */
export function formatViolation(violation: ArchitectureViolation): string;

/** Formats the one-line summary printed when every rule holds. */
export function formatSummary(report: ArchitectureReport): string;
