// Types of what rspack.config.js exports besides the config itself, for its tests.

/** Packages bundled into each app instead of left in node_modules (see rspack.config.js). */
export declare const BUNDLED_PACKAGES: readonly string[];

/** An rspack external function, as the Nest CLI's defaults hold them. */
export type ExternalFunction = (
  data: { request?: string; context?: string; dependencyType?: string },
  callback: (error?: unknown, result?: string) => void,
) => void;

/** The CLI's externals, except that a request for a bundled package (or a copy nested in one, under `root`) is bundled. */
export declare function withBundledPackages(externals: readonly unknown[], root?: string): unknown[];

/** The Nest CLI's rspack hook: the CLI's defaults in, this project's configuration out. */
export default function seamRspackConfig(defaults: Record<string, unknown>): Record<string, unknown>;
