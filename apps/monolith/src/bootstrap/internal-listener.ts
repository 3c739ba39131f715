import { isIP } from 'node:net';
import { isProduction } from '@seam/runtime';

/** The port of the internal listener in production when `SEAM_INTERNAL_PORT` is unset (Prometheus exporters' 9464). */
export const DEFAULT_INTERNAL_PORT = 9464;
/** Where the internal listener binds when `SEAM_INTERNAL_HOST` is unset: this machine only. */
export const DEFAULT_INTERNAL_HOST = '127.0.0.1';

/** Where `/metrics`, `/docs` and `/docs-json` are served, off the public port. */
export interface InternalListener {
  readonly port: number;
  readonly host: string;
}

/** A bad `SEAM_INTERNAL_*` setting: the monolith does not start. */
export class InternalListenerConfigError extends Error {
  override readonly name = 'InternalListenerConfigError';
  constructor(
    /** The variable at fault. */
    readonly variable: string,
    detail: string,
  ) {
    super(`${variable} ${detail}`);
  }
}

const HOSTNAME = /^(?=.{1,253}$)[a-z0-9](?:[-a-z0-9]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[-a-z0-9]{0,61}[a-z0-9])?)*$/i;

/**
 * Where the edge serves its internal routes (`/metrics`, `/docs`, `/docs-json`), from the
 * environment:
 *
 * - `SEAM_INTERNAL_PORT`: a port (0 picks a free one) or `off` (serve them on the public port);
 *   unset: {@link DEFAULT_INTERNAL_PORT} in production (`NODE_ENV=production`), `off` otherwise,
 *   so that development keeps everything on one port;
 * - `SEAM_INTERNAL_HOST`: the address it binds (default {@link DEFAULT_INTERNAL_HOST}; a pod sets
 *   `0.0.0.0` for the scraper, which its NetworkPolicy alone admits).
 *
 * @returns undefined when the routes stay on the public port.
 * @throws InternalListenerConfigError naming the variable, for a port that is not 0–65535 or
 *   `off`, the public port itself, or a host that is neither an IP address nor a host name.
 * @throws NodeEnvironmentError for a `NODE_ENV` other than production, development or test.
 */
export function internalListenerFromEnv(env: NodeJS.ProcessEnv, publicPort: number): InternalListener | undefined {
  const raw = env.SEAM_INTERNAL_PORT?.trim().toLowerCase() ?? '';
  if (raw === 'off') return undefined;
  if (raw === '' && !isProduction(env)) return undefined;
  const port = raw === '' ? DEFAULT_INTERNAL_PORT : /^\d{1,5}$/.test(raw) ? Number(raw) : Number.NaN;
  if (!(port >= 0 && port <= 65_535))
    throw new InternalListenerConfigError('SEAM_INTERNAL_PORT', 'must be a TCP port from 0 to 65535, or off');
  if (port !== 0 && port === publicPort)
    throw new InternalListenerConfigError(
      'SEAM_INTERNAL_PORT',
      `must differ from PORT (${publicPort}): the internal routes are kept off the public port`,
    );
  const host = env.SEAM_INTERNAL_HOST?.trim() || DEFAULT_INTERNAL_HOST;
  if (!isIP(host) && !HOSTNAME.test(host))
    throw new InternalListenerConfigError('SEAM_INTERNAL_HOST', 'must be an IP address or a host name');
  return { port, host };
}
