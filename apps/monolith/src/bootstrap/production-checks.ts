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
 * The shortest admin password seeded in production. The seeded admin can change every product and
 * read every order, and its password comes from configuration, where nobody has to remember it:
 * a long random one costs nothing, and `password` or `12345678` (which identity's 8-character rule
 * for customers lets through) would fall to the first guesses.
 */
export const MIN_PRODUCTION_ADMIN_PASSWORD_LENGTH = 16;

/**
 * Refuses, when `NODE_ENV=production`, what is only safe on a developer's machine: seeding the
 * admin account with the published default password (`SEAM_ADMIN_PASSWORD` unset, empty or that
 * password) or with one shorter than {@link MIN_PRODUCTION_ADMIN_PASSWORD_LENGTH}. With
 * `SEED_DEMO_DATA=false` no admin is seeded and nothing is refused. Identity refuses a missing
 * `JWT_SECRET` itself, wherever it runs.
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
  if (seed.enabled && [...seed.adminPassword].length < MIN_PRODUCTION_ADMIN_PASSWORD_LENGTH) {
    throw new ProductionConfigError(
      'SEAM_ADMIN_PASSWORD',
      `must be at least ${MIN_PRODUCTION_ADMIN_PASSWORD_LENGTH} characters in production: the seeded admin manages the whole shop — set a long random one (e.g. openssl rand -base64 24), or SEED_DEMO_DATA=false to seed no admin`,
    );
  }
}
