import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { DATABASE_CONFIG, type DatabaseConfig } from '@seam/persistence';
import { SeamCallPolicies } from '@seam/resilience';
import {
  applyPretenuringSetting,
  beginShutdown,
  bindHostFrom,
  describeTopology,
  exitWithin,
  explainListenError,
  portFromEnv,
  reportStartFailure,
  SHUTDOWN_DEADLINE_MS,
  SHUTDOWN_SIGNALS,
  startLogging,
  withStartFailuresReportedOnce,
} from '@seam/runtime';
import { type ResolvedSeamOptions, SEAM_OPTIONS, TransportRouter } from '@seam/transport';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { AppModule } from './app.module.js';
import { configureApp } from './bootstrap/configure-app.js';
import { startInternalApp } from './bootstrap/internal-app.js';
import { internalListenerFromEnv } from './bootstrap/internal-listener.js';
import { planMonolith } from './bootstrap/monolith-topology.js';
import { startupSummary } from './bootstrap/startup-summary.js';
import { apiDocument } from './bootstrap/swagger.js';
import { HttpDrain } from './edge/lifecycle/http-drain.js';

// First: every line after this one, Nest's included, goes through it (LOG_FORMAT, LOG_LEVEL).
const nestLogger = await startLogging('The monolith');
const logger = new Logger('Monolith');
let app: NestExpressApplication | undefined;
let internal: NestExpressApplication | undefined;

try {
  // Before the app allocates anything long-lived (see applyPretenuringSetting).
  applyPretenuringSetting();
  const port = portFromEnv();
  // The public edge binds every interface unless SEAM_HTTP_HOST names one (a proxy on the same
  // machine, say): unlike a service's loopback default, `npm start` must answer on localhost:3000
  // and in a container on the published port.
  const host = bindHostFrom('SEAM_HTTP_HOST', process.env.SEAM_HTTP_HOST);
  const plan = planMonolith();
  // In production /metrics and the API docs are kept off the public port (see internal-listener.ts).
  const internalListener = internalListenerFromEnv(process.env, port);
  // abortOnError: false — a module that cannot start throws here (and is reported) instead of Nest calling process.abort().
  app = await NestFactory.create<NestExpressApplication>(
    AppModule.for({ ...plan, internalMetrics: !!internalListener }),
    {
      bodyParser: false,
      abortOnError: false,
      logger: withStartFailuresReportedOnce(nestLogger),
    },
  );
  // On SIGTERM, SIGINT or SIGHUP (and no other: see SHUTDOWN_SIGNALS): drain HTTP (in-flight
  // requests finish) and the relays' rounds, then the Seam servers, each within its share of the
  // 10-s budget (beginShutdown), close every module's DataSource, then exit by the same signal —
  // forced out (status 1) only if closing hangs past the budget.
  app.enableShutdownHooks([...SHUTDOWN_SIGNALS]);
  const started = app;
  exitWithin(SHUTDOWN_DEADLINE_MS, logger, (budget) => {
    started.get(HttpDrain).begin(started.getHttpServer() as Server, budget.remainingFor('work'));
    beginShutdown(started, budget, logger);
  });
  await configureApp(app, { docs: !internalListener }).catch((error: unknown) => {
    throw explainListenError(error, {
      what: 'The TCP server of the modules it hosts',
      port: 'the port of its address (topology file, or SEAM_MONOLITH_ADDRESS)',
      host: 'SEAM_LISTEN_HOST',
    });
  });
  await (host === undefined ? app.listen(port) : app.listen(port, host)).catch((error: unknown) => {
    throw explainListenError(error, { what: 'The HTTP port', port: 'PORT', host: 'SEAM_HTTP_HOST' });
  });
  const url = `http://localhost:${(app.getHttpServer().address() as AddressInfo).port}`;
  // The document is read from the internal port there, so it names the public one as its server.
  const publicServer = { url, description: 'The public port of this edge (a gateway in front publishes its own URL)' };
  const edge = app;
  if (internalListener)
    internal = await startInternalApp(edge, () => apiDocument(edge, publicServer), internalListener).catch(
      (error: unknown) => {
        throw explainListenError(error, {
          what: 'The internal port (/metrics, /docs)',
          port: 'SEAM_INTERNAL_PORT',
          host: 'SEAM_INTERNAL_HOST',
        });
      },
    );
  const internalUrl =
    internal && `http://${internalListener!.host}:${(internal.getHttpServer().address() as AddressInfo).port}`;
  const lines = startupSummary({
    url,
    ...(internalUrl ? { docsUrl: internalUrl } : {}),
    topology: describeTopology(plan.topology, { kind: 'monolith' })[0]!,
    callPolicies: app.get(SeamCallPolicies).summary(app.get(TransportRouter).modules()),
    seam: app.get<ResolvedSeamOptions>(SEAM_OPTIONS),
    database: app.get<DatabaseConfig>(DATABASE_CONFIG),
    modules: plan.modules,
  });
  for (const line of lines) logger.log(line);
} catch (error) {
  reportStartFailure(logger, 'The monolith', error);
  // Close what did open (databases, servers) and exit: a half-started monolith must not linger.
  await internal?.close().catch(() => undefined);
  await app?.close().catch(() => undefined);
  process.exit(1);
}
