import type { INestApplication } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { HttpAdapterHost } from '@nestjs/core';
import { httpMetrics, prepareHttpServer } from '@seam/runtime';
import type { Server } from 'node:http';
import { startSeamServers } from '@seam/transport';
import { JSON_MEDIA_TYPES } from '../edge/context/json-content.middleware.js';
import { HttpDrain } from '../edge/lifecycle/http-drain.js';
import { ProblemDetailsFilter } from '../edge/problems/problem-details.filter.js';
import { RouteTable } from '../edge/problems/route-table.js';
import { noStoreOnCredentials } from '../edge/security/no-store.middleware.js';
import { type HttpMiddleware, securityHeaders } from '../edge/security/security-headers.js';
import { assertProductionReady } from './production-checks.js';
import { setUpSwagger } from './swagger.js';
import { UnguardedRequestThrottle } from '../edge/throttling/unguarded-request.throttle.js';
import { weakEtag } from './weak-etag.js';

/** Options of {@link configureApp}. */
export interface ConfigureOptions {
  /** Serve `/docs` and `/docs-json` on this app (default true); false when the internal listener serves them. */
  readonly docs?: boolean;
}

/** The largest JSON body the API accepts; a larger one is a 413 problem. */
export const JSON_BODY_LIMIT = '100kb';

/**
 * The edge's own middlewares, in the order they run, before the body parser (bench:adapters'
 * Fastify edge installs the same list).
 */
export function edgeMiddlewares(app: INestApplication): HttpMiddleware[] {
  return [
    // Before everything else, so that refused and drained requests are counted and timed too.
    httpMetrics(),
    // Next, so that every response — refused, drained or failed — carries them.
    securityHeaders(),
    noStoreOnCredentials,
    app.get(HttpDrain).middleware,
  ];
}

/**
 * Everything the monolith sets up between creating the app and listening, in one place so that
 * `main.ts` and the e2e suites run the very same app. The app must be created with
 * `bodyParser: false`: the JSON parser is installed here, after the drain middleware and with
 * the body limit. Every response carries helmet's security headers, and auth answers
 * `Cache-Control: no-store`.
 *
 * @throws ProductionConfigError when `NODE_ENV=production` and the admin password is the default.
 */
export async function configureApp(app: NestExpressApplication, options: ConfigureOptions = {}): Promise<void> {
  // Before anything listens or seeds: a production refusal stops the start (main.ts exits 1).
  assertProductionReady();
  // Nothing to gain from announcing the framework to every client.
  app.disable('x-powered-by');
  // Express's own weak ETags, computed for less (see weakEtag).
  app.set('etag', weakEtag);
  for (const middleware of edgeMiddlewares(app)) app.use(middleware);
  // How long a request may take to arrive, how many connections are kept; what Node's parser
  // refuses never reaches those middlewares, and is counted apart (see prepareHttpServer).
  prepareHttpServer(app.getHttpServer() as Server);
  app.useBodyParser('json', { limit: JSON_BODY_LIMIT, type: JSON_MEDIA_TYPES });
  app.useGlobalFilters(
    new ProblemDetailsFilter(app.get(HttpAdapterHost), app.get(RouteTable), app.get(UnguardedRequestThrottle)),
  );
  if (options.docs !== false) setUpSwagger(app);
  // Before init: the seed calls the modules on application bootstrap, so their handlers must be listening.
  await startSeamServers(app);
}
