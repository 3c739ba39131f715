import { spawnService, type ServiceProcess } from '@seam/testing';

/** What `npm start` runs. */
export const BUILT_MAIN = 'dist/apps/monolith/main.js';
/** The start-up line naming the public port. */
export const LISTENING = /Listening on http:\/\/localhost:(\d+)/;

/**
 * Starts the built monolith with development defaults on a free port and `dataDir` (settings a CI
 * environment may carry — PostgreSQL, a JWT secret, an admin password, demo data — cleared, so that
 * the embedded defaults are what runs), and returns it with its public base URL. `env` adds to or
 * overrides those settings.
 */
export async function startBuiltMonolith(
  dataDir: string,
  env: Record<string, string> = {},
): Promise<{ monolith: ServiceProcess; baseUrl: string }> {
  const monolith = await spawnService({
    entry: BUILT_MAIN,
    env: {
      PORT: '0',
      DATA_DIR: dataDir,
      DATABASE_URL: '',
      JWT_SECRET: '',
      SEAM_ADMIN_PASSWORD: '',
      SEED_DEMO_DATA: '',
      ...env,
    },
    readyLine: LISTENING,
    readyTimeoutMs: 60_000,
  });
  return { monolith, baseUrl: `http://localhost:${LISTENING.exec(monolith.output())![1]}` };
}
