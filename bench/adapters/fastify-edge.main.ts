/**
 * The monolith's edge on @nestjs/platform-fastify, for `bench:adapters` only: the same AppModule,
 * modules, guards, filter and middlewares as `apps/monolith/src/main.ts` + `configureApp`, with
 * Fastify in place of Express — so that the two adapters are measured on the same flows. Not a
 * way to run the product (see docs/benchmarks.md for what a port of the edge would still need).
 *
 * Differences from the Express edge, each on the side of doing less work:
 * - no Swagger (`/docs` is not on the measured paths);
 * - Nest runs the edge's module middlewares (`CallScopeMiddleware`, `ForbiddenKeysMiddleware`)
 *   through @fastify/middie in Fastify's `onRequest` hook, before the body is parsed: the
 *   forbidden-key check sees no body there (the place flow's body has no such key either way).
 * And one that is not: its error answers are not ported (the problem filter writes to Express's
 * response object), so a refused request gets Nest's plain 500 here. The measured flows succeed.
 *
 * Listens on PORT (0: any) on 127.0.0.1 and prints `Listening on http://localhost:<port>`.
 */
import 'reflect-metadata';
import { HttpAdapterHost, NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { startLogging } from '@seam/runtime';
import { startSeamServers } from '@seam/transport';
import type { AddressInfo } from 'node:net';
import { AppModule } from '../../apps/monolith/src/app.module.js';
import { edgeMiddlewares } from '../../apps/monolith/src/bootstrap/configure-app.js';
import { planMonolith } from '../../apps/monolith/src/bootstrap/monolith-topology.js';
import { ProblemDetailsFilter } from '../../apps/monolith/src/edge/problems/problem-details.filter.js';
import { RouteTable } from '../../apps/monolith/src/edge/problems/route-table.js';

/** The Express edge's JSON body limit (`JSON_BODY_LIMIT`, 100 kB), in bytes. */
const BODY_LIMIT_BYTES = 100 * 1024;

const nestLogger = await startLogging('The Fastify edge');
const app = await NestFactory.create<NestFastifyApplication>(
  AppModule.for({ ...planMonolith(), internalMetrics: false }),
  new FastifyAdapter({ bodyLimit: BODY_LIMIT_BYTES }),
  { abortOnError: false, logger: nestLogger },
);
app.enableShutdownHooks();
for (const middleware of edgeMiddlewares(app)) app.use(middleware);
app.useGlobalFilters(new ProblemDetailsFilter(app.get(HttpAdapterHost), app.get(RouteTable)));
await startSeamServers(app);
await app.listen(Number(process.env.PORT ?? 0), '127.0.0.1');
process.stdout.write(`Listening on http://localhost:${(app.getHttpServer().address() as AddressInfo).port}\n`);
