import { isProduction } from '@seam/runtime';
import { DEFAULT_ADMIN_PASSWORD, seedOptionsFromEnv } from '../seed/seed-options.js';

/** A setting the monolith refuses to run with in production; names the variable, never its value. */
export class ProductionConfigError extends Error {
  constructor(
    /** The environment variable at fault. */
    readonly variable: string,
    problem: string,
  ) {
    super(`${variable} ${problem}`);
    this.name = 'ProductionConfigError';
  }
}

/**
 * Refuses, when `NODE_ENV=production`, what is only safe on a developer's machine: seeding the
 * admin account with the published default password (`SEAM_ADMIN_PASSWORD` unset, empty or that
 * password). With `SEED_DEMO_DATA=false` no admin is seeded and nothing is refused. Identity
 * refuses a missing `JWT_SECRET` itself, wherever it runs.
 *
 * @throws ProductionConfigError naming the variable.
 * @throws NodeEnvironmentError for a `NODE_ENV` other than production, development or test.
 */
export function assertProductionReady(env: NodeJS.ProcessEnv = process.env): void {
  if (!isProduction(env)) return;
  const seed = seedOptionsFromEnv(env);
  if (seed.enabled && seed.adminPassword === DEFAULT_ADMIN_PASSWORD) {
    throw new ProductionConfigError(
      'SEAM_ADMIN_PASSWORD',
      'must be set in production (NODE_ENV=production): the default admin password is published — set a long random one, or SEED_DEMO_DATA=false to seed no admin',
    );
  }
}
