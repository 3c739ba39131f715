import type { NestExpressApplication } from '@nestjs/platform-express';
import { HttpAdapterHost } from '@nestjs/core';
import { startSeamServers } from '@seam/transport';
import { HttpDrain } from '../edge/lifecycle/http-drain.js';
import { ProblemDetailsFilter } from '../edge/problems/problem-details.filter.js';
import { RouteTable } from '../edge/problems/route-table.js';
import { setUpSwagger } from './swagger.js';

/** The largest JSON body the API accepts; a larger one is a 413 problem. */
export const JSON_BODY_LIMIT = '100kb';

/**
 * Everything the monolith sets up between creating the app and listening, in one place so that
 * `main.ts` and the e2e suites run the very same app. The app must be created with
 * `bodyParser: false`: the JSON parser is installed here, after the drain middleware and with
 * the body limit.
 */
export async function configureApp(app: NestExpressApplication): Promise<void> {
  // Nothing to gain from announcing the framework to every client.
  app.disable('x-powered-by');
  app.use(app.get(HttpDrain).middleware);
  app.useBodyParser('json', { limit: JSON_BODY_LIMIT, type: ['application/json', 'application/*+json'] });
  app.useGlobalFilters(new ProblemDetailsFilter(app.get(HttpAdapterHost), app.get(RouteTable)));
  setUpSwagger(app);
  // Before init: the seed calls the modules on application bootstrap, so their handlers must be listening.
  await startSeamServers(app);
}
