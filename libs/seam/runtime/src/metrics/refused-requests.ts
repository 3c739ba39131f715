import type { Server } from 'node:http';
import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import { Counter } from 'prom-client';
import { metricsFromEnv } from '../config/metrics-from-env.js';
import { metricsRegistry } from './registry.js';

/**
 * The status Node answers to a request its HTTP parser refused or that timed out, by the error's
 * code (Node's own choice: lib/_http_server.js, `socketOnError`); any other parse error is a 400.
 */
const STATUS_OF_CODE: Readonly<Record<string, number>> = {
  HPE_HEADER_OVERFLOW: 431,
  HPE_CHUNK_EXTENSIONS_OVERFLOW: 413,
  ERR_HTTP_REQUEST_TIMEOUT: 408,
};

const REFUSED = 'http_requests_refused_total';

// Made on the first server watched with metrics on, so that with SEAM_METRICS=off the registry
// holds none; found by name when another copy of this file (another bundle) made it first.
const refusedCounter = () =>
  (metricsRegistry.getSingleMetric(REFUSED) as Counter<'status'> | undefined) ??
  new Counter({
    name: REFUSED,
    help: "HTTP requests refused before any handler saw them (Node's parser: malformed, headers too large; or not received in time), by the status Node answers them. Not in http_requests_total.",
    labelNames: ['status'],
    registers: [metricsRegistry],
  });

/** The status Node answers for `error`, or undefined for an error that is not a refused request (a reset connection). */
export function refusalStatusOf(error: Error & { code?: unknown }): number | undefined {
  const code = typeof error.code === 'string' ? error.code : '';
  if (code in STATUS_OF_CODE) return STATUS_OF_CODE[code];
  return code.startsWith('HPE_') ? 400 : undefined;
}

/**
 * Counts, in `http_requests_refused_total{status}`, the requests `server` refuses before any
 * middleware runs — a malformed request line or header (400), headers over Node's size limit (431),
 * chunk extensions too large (413), a request not received within `headersTimeout` or
 * `requestTimeout` (408) — which `httpMetrics` cannot see: a flood of them showed nowhere. They are
 * answered exactly as Node answers them by default (Node skips its own answer once `clientError`
 * has a listener): the status line and `Connection: close`, unless the connection can no longer be
 * written or a response on it has begun, then closed. Errors of the connection itself (a reset), and
 * those of a request the app already has (a body cut short or sent too slowly: `httpMetrics` counts
 * it), are closed as Node closes them, and not counted. With `SEAM_METRICS=off` in `env` it does nothing: Node's
 * default stays.
 *
 * @throws MetricsConfigError when `SEAM_METRICS` is neither on nor off.
 */
export function countRefusedRequests(server: Server, env: NodeJS.ProcessEnv = process.env): void {
  if (!metricsFromEnv(env)) return;
  const counter = refusedCounter();
  server.on('clientError', (error: Error & { code?: unknown }, socket: Duplex) => {
    const refusal = refusalStatusOf(error);
    // The response of a request of this connection that reached the app, if one is under way. Then
    // the error is that request's (a body cut short or too slow), which `httpMetrics` counts when
    // its response closes: not a request refused before any handler.
    const inFlight = (socket as Duplex & { _httpMessage?: { _headerSent?: boolean } | null })._httpMessage;
    if (refusal !== undefined && !inFlight) counter.inc({ status: String(refusal) });
    const status = refusal ?? 400;
    // Node's rule, on Node's own flag: answer only where no response has begun on this connection.
    if (socket.writable && !inFlight?._headerSent)
      socket.write(`HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nConnection: close\r\n\r\n`, 'ascii');
    socket.destroy(error);
  });
}
