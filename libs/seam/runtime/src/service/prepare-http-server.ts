import type { Server } from 'node:http';
import { applyHttpServerLimits, httpServerLimitsFromEnv } from '../config/http-server-limits.js';
import { countRefusedRequests } from '../metrics/refused-requests.js';

/**
 * What every HTTP server of a Seam process gets before it listens — the edge's, a service's
 * health port, the internal port: the limits of `env` (`httpServerLimitsFromEnv`: how long a
 * request may take to arrive, how many connections it keeps) and the count of the requests
 * refused before any handler (`countRefusedRequests`).
 *
 * @throws HttpServerLimitsError, MetricsConfigError when `env` sets a limit or `SEAM_METRICS` that cannot be used.
 */
export function prepareHttpServer(server: Server, env: NodeJS.ProcessEnv = process.env): void {
  applyHttpServerLimits(server, httpServerLimitsFromEnv(env));
  countRefusedRequests(server, env);
}
