import { type DynamicModule, type INestApplication, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { OpenAPIObject } from '@nestjs/swagger';
import { MetricsController, metricsFromEnv, prepareHttpServer } from '@seam/runtime';
import { TransportRouter } from '@seam/transport';
import type { Server } from 'node:http';
import { DashboardModule } from '../edge/dashboard/dashboard.module.js';
import { securityHeaders } from '../edge/security/security-headers.js';
import type { InternalListener } from './internal-listener.js';
import { serveApiDocs } from './swagger.js';

/** The internal app: `/metrics` over the edge's own router and the dashboard (`/_seam`), nothing else of the edge. */
@Module({})
class InternalRoutesModule {
  static for(router: TransportRouter): DynamicModule {
    return {
      module: InternalRoutesModule,
      imports: [DashboardModule],
      // SEAM_METRICS=off: no /metrics here either (404), as on a service's port.
      controllers: metricsFromEnv() ? [MetricsController] : [],
      providers: [{ provide: TransportRouter, useValue: router }],
    };
  }
}

/**
 * Starts the edge's internal listener: a second, small Nest app serving `/metrics` (figures of the
 * edge's own process: its router's pending calls, its relays, its handlers) and the edge's API
 * docs (`/docs`, `/docs-json`), so that neither is on the public port. Its own HTTP server, no
 * shutdown hooks of its own: it ends with the process, after the edge has drained.
 *
 * @param edge the monolith's app, configured (its routes are what the document describes).
 * @param documentOf builds the edge's OpenAPI document (`apiDocument(edge)`), at its first request.
 */
export async function startInternalApp(
  edge: INestApplication,
  documentOf: () => OpenAPIObject,
  listener: InternalListener,
): Promise<NestExpressApplication> {
  const app = await NestFactory.create<NestExpressApplication>(InternalRoutesModule.for(edge.get(TransportRouter)), {
    // No `logger` option: Nest applies it to every Logger of the process, the edge's included.
    abortOnError: false,
  });
  try {
    prepareHttpServer(app.getHttpServer() as Server);
    app.disable('x-powered-by');
    app.use(securityHeaders());
    serveApiDocs(app, documentOf);
    await app.listen(listener.port, listener.host);
    return app;
  } catch (error) {
    await app.close().catch(() => undefined);
    throw error;
  }
}
