/** What the seed creates, from the environment. */
export interface SeedOptions {
  /** `SEED_DEMO_DATA` (default true; `false` turns seeding off). */
  enabled: boolean;
  /** `SEAM_ADMIN_EMAIL` (default `admin@seam.local`). */
  adminEmail: string;
  /** `SEAM_ADMIN_PASSWORD` (default `change-me-admin`). */
  adminPassword: string;
  /** Whether the password is the published default (the seed then warns at every start). */
  defaultPassword: boolean;
}

/** The published default admin password: fine on a laptop, never anywhere else. */
export const DEFAULT_ADMIN_PASSWORD = 'change-me-admin';

/**
 * Reads the seed options.
 *
 * @throws Error naming `SEED_DEMO_DATA` when it is neither `true` nor `false`.
 */
export function seedOptionsFromEnv(env: NodeJS.ProcessEnv = process.env): SeedOptions {
  const flag = env.SEED_DEMO_DATA?.trim().toLowerCase() || 'true';
  if (flag !== 'true' && flag !== 'false')
    throw new Error(`SEED_DEMO_DATA must be true or false, got "${env.SEED_DEMO_DATA}"`);
  // An empty variable (`SEAM_ADMIN_PASSWORD=` in a compose file) means "not set".
  const adminPassword = env.SEAM_ADMIN_PASSWORD || DEFAULT_ADMIN_PASSWORD;
  return {
    enabled: flag === 'true',
    adminEmail: env.SEAM_ADMIN_EMAIL?.trim() || 'admin@seam.local',
    adminPassword,
    defaultPassword: adminPassword === DEFAULT_ADMIN_PASSWORD,
  };
}
