import type { IncomingMessage, ServerResponse } from 'node:http';
import { metricsFromEnv } from '../config/metrics-from-env.js';
import { RedFamily, type Series } from './red-family.js';

/** The route label of a request no route matched: one series, however many paths are tried. */
export const UNMATCHED_ROUTE = 'unmatched';

// Methods outside this set (Node's parser accepts a few dozen, e.g. PROPFIND) share `OTHER`.
const METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);

// Made on the first httpMetrics() that records, so that with SEAM_METRICS=off the registry holds
// none; one for the process, however many apps it serves.
let family: RedFamily | undefined;
const httpFamily = () =>
  (family ??= new RedFamily(
    {
      name: 'http_requests_total',
      help: 'HTTP requests this process answered, by method, route template (or "unmatched") and status.',
    },
    {
      name: 'http_request_duration_seconds',
      help: 'Time from receiving an HTTP request to finishing its response, in seconds, by method, route template and status.',
    },
  ));

/** The series of each method, route and status seen, made on the first request of each. */
const seriesByKey = new Map<string, Series>();

function seriesOf(method: string, route: string, status: string): Series {
  const key = `${method} ${status} ${route}`;
  let series = seriesByKey.get(key);
  if (!series) seriesByKey.set(key, (series = httpFamily().add({ method, route, status })));
  return series;
}

/** What Express leaves on a request it routed: the matched route's template and its router's mount path. */
interface RoutedRequest extends IncomingMessage {
  route?: { path?: unknown };
  baseUrl?: string;
}

/**
 * The route label of a request: Express's route template (`/orders/:id`, never the raw path) or
 * {@link UNMATCHED_ROUTE}. Label values stay bounded by the routes the app declares, so a client
 * trying unknown paths cannot grow the series count.
 */
export function routeLabel(request: RoutedRequest): string {
  const path = request.route?.path;
  return typeof path === 'string' ? `${request.baseUrl ?? ''}${path}` : UNMATCHED_ROUTE;
}

/**
 * The status label of a request whose client closed the connection before the answer was written
 * (nginx's convention): the work was done, or is being done, and it is the latency tail.
 */
export const CLIENT_CLOSED = '499';

/**
 * Express middleware counting and timing every request (`http_requests_total`,
 * `http_request_duration_seconds`), labelled when the response closes — by then the router has
 * matched, so the template is known; a request whose client went away first is labelled
 * {@link CLIENT_CLOSED}. Install it first, so that refused requests are counted too.
 * With `SEAM_METRICS=off` in `env` it only passes requests on.
 *
 * @throws MetricsConfigError when `SEAM_METRICS` is neither on nor off.
 */
export function httpMetrics(
  env: NodeJS.ProcessEnv = process.env,
): (request: IncomingMessage, response: ServerResponse, next: () => void) => void {
  if (!metricsFromEnv(env)) return (_request, _response, next) => next();
  httpFamily();
  return (request, response, next) => {
    const startedAt = performance.now();
    // 'close', not 'finish': a response always closes, right after it finished or when the
    // client went away first — and those, the slowest requests, must be counted too.
    response.once('close', () => {
      const method = request.method && METHODS.has(request.method) ? request.method : 'OTHER';
      const status = response.writableFinished ? String(response.statusCode) : CLIENT_CLOSED;
      seriesOf(method, routeLabel(request as RoutedRequest), status).observe((performance.now() - startedAt) / 1000);
    });
    next();
  };
}
