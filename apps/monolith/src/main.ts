import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { DATABASE_CONFIG, type DatabaseConfig } from '@seam/persistence';
import { type ResolvedSeamOptions, SEAM_OPTIONS } from '@seam/transport';
import type { AddressInfo } from 'node:net';
import { AppModule } from './app.module.js';
import { configureApp } from './bootstrap/configure-app.js';
import { portFromEnv } from './bootstrap/port.js';
import { startupSummary } from './bootstrap/startup-summary.js';
import { LOCAL_MODULES } from './modules.js';

const logger = new Logger('Monolith');
let app: NestExpressApplication | undefined;

try {
  const port = portFromEnv();
  // abortOnError: false — a module that cannot start throws here (and is reported) instead of Nest calling process.abort().
  app = await NestFactory.create<NestExpressApplication>(AppModule, { bodyParser: false, abortOnError: false });
  // On SIGTERM/SIGINT: drain HTTP (in-flight requests finish), stop the Seam servers, close every
  // module's DataSource, then exit by the same signal.
  app.enableShutdownHooks();
  await configureApp(app);
  await app.listen(port);
  const url = `http://localhost:${(app.getHttpServer().address() as AddressInfo).port}`;
  const lines = startupSummary({
    url,
    seam: app.get<ResolvedSeamOptions>(SEAM_OPTIONS),
    database: app.get<DatabaseConfig>(DATABASE_CONFIG),
    modules: LOCAL_MODULES,
  });
  for (const line of lines) logger.log(line);
} catch (error) {
  logger.error(`The monolith could not start: ${error instanceof Error ? error.message : String(error)}`, error instanceof Error ? error.stack : undefined);
  // Close what did open (databases, servers) and exit: a half-started monolith must not linger.
  await app?.close().catch(() => undefined);
  process.exit(1);
}
