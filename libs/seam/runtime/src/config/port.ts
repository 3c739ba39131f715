/** The monolith's default HTTP port. */
export const DEFAULT_PORT = 3000;

/**
 * The HTTP port from `PORT` (default `fallback`, 3000 unless given; 0 picks a free one).
 *
 * @throws Error naming `PORT` when it is not a whole number from 0 to 65535.
 */
export function portFromEnv(env: NodeJS.ProcessEnv = process.env, fallback = DEFAULT_PORT): number {
  const raw = env.PORT?.trim();
  if (!raw) return fallback;
  const port = /^\d{1,5}$/.test(raw) ? Number(raw) : Number.NaN;
  if (!(port >= 0 && port <= 65_535))
    throw new Error(`PORT must be a TCP port number from 0 to 65535, got "${env.PORT}"`);
  return port;
}
