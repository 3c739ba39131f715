// Types for rules.mjs.
import type { ICruiseOptions, IForbiddenRuleType } from 'dependency-cruiser';

/** Top-level folders that hold code; whichever exist under the root are cruised. */
export const SOURCE_ROOTS: readonly string[];

/** The one-line explanation printed with every violation of a rule, keyed by rule name. */
export const RULE_COMMENTS: Readonly<Record<string, string>>;

/** Lists the modules under `root`: `libs/<name>/` (not `seam`) with `contracts/` or `core/`. */
export function listModules(root: string): string[];

/** Builds the forbidden rules for a module list; each forbidden edge is owned by one rule. */
export function forbiddenRules(modules: string[]): IForbiddenRuleType[];

/** Lists the modules under `root` and returns the cruise options that enforce the boundaries. */
export function architectureConfig(root: string): { modules: string[]; options: ICruiseOptions };
