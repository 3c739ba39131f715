import 'reflect-metadata';
import { type INestApplication, Logger, type Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { dataSourceToken, describeDataLocation } from '@seam/persistence';
import { SeamCallPolicies } from '@seam/resilience';
import { startSeamServers, TransportRouter } from '@seam/transport';
import type { Server } from 'node:http';
import type { DataSource } from 'typeorm';
import { startLogging } from '../logging/start-logging.js';
import { portFromEnv } from '../config/port.js';
import { transportSecurityFromEnv } from '../config/tls-from-env.js';
import { meshAuthFromEnv } from '../config/mesh-auth-from-env.js';
import { applyPretenuringSetting } from '../config/pretenuring-from-env.js';
import { beginShutdown } from './begin-shutdown.js';
import { exitWithin, SHUTDOWN_DEADLINE_MS, SHUTDOWN_SIGNALS } from './exit-within.js';
import { httpMetrics } from '../metrics/http-metrics.js';
import { listenForHealth } from './http-listener.js';
import { prepareHttpServer } from './prepare-http-server.js';
import { bindHostedOn, serviceHttpHost } from './listen-host.js';
import { loadTopology } from '../topology/load-topology.js';
import { describeTopology, transportOptionsFor } from '../topology/process-options.js';
import { meshSelf } from '../topology/mesh-identities.js';
import { ServiceAppModule } from './service-app.module.js';
import { explainListenError, reportStartFailure, withStartFailuresReportedOnce } from './start-failure.js';
import { overrideName } from '../topology/parse-topology.js';

/** What `apps/<module>-service` runs. */
export interface RunServiceOptions {
  /** The module's name, as the topology file names it. */
  name: string;
  /** Its Nest module. */
  module: Type<unknown>;
}

/** The line a service prints once it serves calls and `/health` (what process supervisors and tests wait for). */
export const serviceReadyLine = (name: string) => `Service ${name} ready`;

/**
 * Runs one module as its own service, as the topology (`SEAM_TOPOLOGY`) places it: the module
 * behind its address, calling the others where they run, plus an HTTP port (`PORT`, else the
 * topology's `httpPort`) for `/health` and `/metrics`, bound on `SEAM_HTTP_HOST` (default
 * `127.0.0.1`; `0.0.0.0` where probes or a scraper come from another host). On SIGTERM, SIGINT or
 * SIGHUP it stops taking work, lets relay rounds and calls in flight finish — each within its share
 * of `SHUTDOWN_DEADLINE_MS` (see `beginShutdown`) — closes its database and exits by the signal;
 * only a close that hangs past the deadline is forced out (status 1).
 * A bad topology or configuration is reported and the process exits with status 1 before it
 * serves anything.
 */
export async function runService(
  { name, module }: RunServiceOptions,
  env: NodeJS.ProcessEnv = process.env,
): Promise<INestApplication | undefined> {
  // First: every line after this one, Nest's included, goes through it (LOG_FORMAT, LOG_LEVEL).
  const nestLogger = await startLogging(`The ${name} service`, env);
  const logger = new Logger(`${name}-service`);
  let app: INestApplication | undefined;
  try {
    // Before the app allocates anything long-lived (pretenuring-from-env.ts says why).
    applyPretenuringSetting(env);
    const topology = loadTopology(env);
    const role = { kind: 'service', module: name } as const;
    const security = transportSecurityFromEnv(env);
    const placed = transportOptionsFor(topology, role);
    const auth = meshAuthFromEnv(env, { ...placed, speaksAs: meshSelf(topology, role) }, logger);
    const transport = bindHostedOn({ ...placed, ...security, ...auth }, env.SEAM_LISTEN_HOST);
    const placement = topology.services.find((service) => service.module === name)!;
    const port = portFromEnv(env, placement.httpPort);
    const httpHost = serviceHttpHost(env);
    app = await NestFactory.create(ServiceAppModule.for({ name, module, transport }), {
      abortOnError: false,
      logger: withStartFailuresReportedOnce(nestLogger),
    });
    app.use(httpMetrics(env));
    prepareHttpServer(app.getHttpServer() as Server, env);
    app.enableShutdownHooks([...SHUTDOWN_SIGNALS]);
    const started = app;
    exitWithin(SHUTDOWN_DEADLINE_MS, logger, (budget) => beginShutdown(started, budget, logger));
    await startSeamServers(app).catch((error: unknown) => {
      throw explainListenError(error, {
        what: `The TCP server of ${name}`,
        port: `the port of its address (topology file, or ${overrideName(name)})`,
        host: 'SEAM_LISTEN_HOST',
      });
    });
    const bound = await listenForHealth(app, port, httpHost).catch((error: unknown) => {
      throw explainListenError(error, {
        what: 'The HTTP port (/health, /metrics)',
        port: 'PORT',
        host: 'SEAM_HTTP_HOST',
      });
    });
    for (const line of describeTopology(topology, role)) logger.log(line);
    logger.log(`Data of ${name}: ${dataLocationOf(app, name)}`);
    logger.log(`Health: http://localhost:${bound.port}/health (HTTP bound on ${bound.address})`);
    for (const line of app.get(SeamCallPolicies).summary(app.get(TransportRouter).modules())) logger.log(line);
    logger.log(serviceReadyLine(name));
    return app;
  } catch (error) {
    reportStartFailure(logger, `The ${name} service`, error);
    await app?.close().catch(() => undefined);
    process.exit(1);
  }
}

/** Where the module keeps its data, from its DataSource (a module without one has none of its own). */
function dataLocationOf(app: INestApplication, name: string): string {
  try {
    return describeDataLocation(app.get<DataSource>(dataSourceToken(name), { strict: false }).options);
  } catch {
    return 'none of its own';
  }
}
