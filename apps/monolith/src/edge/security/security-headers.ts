import type { IncomingMessage, ServerResponse } from 'node:http';
import helmet from 'helmet';

/**
 * The Content-Security-Policy of every edge response. The API answers JSON, which a browser
 * never runs; the one HTML page is the Swagger UI at `/docs`, whose scripts and stylesheets are
 * all files of this origin (no inline script), with one inline `<style>` and `data:` images.
 * `upgrade-insecure-requests` (in helmet's default) is left out: on a plain-HTTP deployment it
 * makes the browser fetch the UI's scripts over HTTPS, and the page stays blank.
 */
export const CONTENT_SECURITY_POLICY: Readonly<Record<string, readonly string[]>> = Object.freeze({
  'default-src': ["'self'"],
  'base-uri': ["'self'"],
  'connect-src': ["'self'"],
  'font-src': ["'self'", 'data:'],
  'form-action': ["'self'"],
  'frame-ancestors': ["'none'"],
  'img-src': ["'self'", 'data:'],
  'object-src': ["'none'"],
  'script-src': ["'self'"],
  'script-src-attr': ["'none'"],
  'style-src': ["'self'", "'unsafe-inline'"],
});

/** What an Express-style middleware is given; helmet's and the edge's own share it. */
export type HttpMiddleware = (
  request: IncomingMessage,
  response: ServerResponse,
  next: (error?: unknown) => void,
) => void;

/**
 * helmet's security headers (CSP above, HSTS, `X-Content-Type-Options: nosniff`,
 * `X-Frame-Options`, `Referrer-Policy: no-referrer`, cross-origin policies…) for every response,
 * answers and problems alike: installed before routing, they are set before any handler runs.
 */
export function securityHeaders(): HttpMiddleware {
  return helmet({
    contentSecurityPolicy: {
      useDefaults: false,
      directives: Object.fromEntries(Object.entries(CONTENT_SECURITY_POLICY).map(([name, v]) => [name, [...v]])),
    },
  }) as HttpMiddleware;
}
