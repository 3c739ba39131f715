import { IncomingMessage } from 'node:http';
import { basename, dirname } from 'node:path';
import { context, propagation, type Span, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { registerInstrumentations } from '@opentelemetry/instrumentation';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { PgInstrumentation } from '@opentelemetry/instrumentation-pg';
import { detectResources, envDetector, resourceFromAttributes } from '@opentelemetry/resources';
import {
  AlwaysOffSampler,
  AlwaysOnSampler,
  BatchSpanProcessor,
  ConsoleSpanExporter,
  ParentBasedSampler,
  type Sampler,
  SimpleSpanProcessor,
  type SpanProcessor,
  TraceIdRatioBasedSampler,
  TracerProvider,
} from '@opentelemetry/sdk-trace';
import type { SeamTracer } from '@seam/transport';
import { FileSpanExporter } from './file-span-exporter.js';
import { OtelSeamTracer, SeamIdGenerator } from './otel-seam-tracer.js';
import { type TraceExporter, traceExporters } from './trace-exporters.js';

/**
 * HTTP paths that are probes, scrapes and the dashboard's own polling, not requests worth a trace
 * (an open dashboard polls every 1.5 s). Any case: Express routes `/HEALTH` to `/health`.
 */
const UNTRACED_PATHS = /^\/(metrics|health|_seam)(\/|\?|$)/i;

/** Whether an incoming request to `url` is left untraced (see {@link UNTRACED_PATHS}). */
export function isUntracedPath(url: string): boolean {
  return UNTRACED_PATHS.test(url);
}

/** What `startTracing` set up. */
export interface Tracing {
  readonly provider: TracerProvider;
  readonly tracer: OtelSeamTracer;
  /** Exports what is buffered and stops (call before the process exits). */
  shutdown(): Promise<void>;
}

/**
 * Sets up OpenTelemetry tracing for this process from the standard `OTEL_*` variables, once,
 * before the app loads (see `register.ts`), with the exporters `traceExporters` finds: OTLP/HTTP
 * (batched), `console`, a JSON-lines file (`SEAM_TRACE_FILE`; `{service}` and `{pid}` in it are
 * replaced). With none (or `OTEL_SDK_DISABLED=true`) nothing is set up and `undefined` returned:
 * a span no one will read is not worth its cost on every call. The register module asks the
 * same function first and then does not load this module at all.
 *
 * Sets up: the global tracer provider (sampler from `OTEL_TRACES_SAMPLER`, default parent-based
 * always-on), W3C propagation, the AsyncLocalStorage context manager, the http instrumentation
 * (the edge's HTTP server spans, which become the parent of the request's seam calls) and the pg
 * one (database spans; SQLite has no maintained instrumentation), and Seam's tracer.
 */
export function startTracing(env: NodeJS.ProcessEnv = process.env, service = serviceName(env)): Tracing | undefined {
  const exporters = traceExporters(env);
  if (exporters.length === 0) return undefined;
  const spanProcessors = exporters.map((exporter) => processorFor(exporter, env, service));
  const ids = new SeamIdGenerator();
  const resource = resourceFromAttributes({ 'service.name': service }).merge(
    detectResources({ detectors: [envDetector] }),
  );
  const provider = new TracerProvider({ resource, idGenerator: ids, sampler: samplerFrom(env), spanProcessors });
  trace.setGlobalTracerProvider(provider);
  context.setGlobalContextManager(new AsyncLocalStorageContextManager());
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  registerInstrumentations({
    tracerProvider: provider,
    instrumentations: [
      new HttpInstrumentation({
        ignoreIncomingRequestHook: (request) => isUntracedPath(request.url ?? ''),
        requestHook: handOverToSeam,
        applyCustomAttributesOnSpan: nameByRoute,
      }),
      new PgInstrumentation(),
    ],
  });
  const tracer = new OtelSeamTracer(provider.getTracer('@seam/transport'), ids);
  // What every copy of @seam/transport reads when it loads (SEAM_TRACER_KEY; not imported: this
  // entry runs before the app and must not load the transport and Nest ahead of the loader hook).
  (globalThis as Record<symbol, SeamTracer>)[Symbol.for('seam.tracer')] = tracer;
  flushOnSignals(provider);
  return { provider, tracer, shutdown: () => provider.shutdown() };
}

/**
 * The edge builds a request's Seam context from its `traceparent` header: pointing the header at
 * the HTTP server span makes that span the parent of every seam call the request makes, with no
 * tracing code in the edge.
 */
function handOverToSeam(span: Span, request: unknown): void {
  if (!(request instanceof IncomingMessage)) return;
  const { traceId, spanId, traceFlags } = span.spanContext();
  request.headers.traceparent = `00-${traceId}-${spanId}-${traceFlags.toString(16).padStart(2, '0')}`;
}

/**
 * Names an edge span by its route template (`POST /api/orders/:id`), as Express matched it, rather
 * than by the method alone: what the http instrumentation cannot know, and no express
 * instrumentation needed for it.
 */
function nameByRoute(span: Span, request: unknown): void {
  const routed = request as IncomingMessage & { route?: { path?: unknown }; baseUrl?: string };
  const path = routed.route?.path;
  if (!(request instanceof IncomingMessage) || typeof path !== 'string') return;
  const route = `${routed.baseUrl ?? ''}${path}`;
  span.setAttribute('http.route', route);
  span.updateName(`${request.method} ${route}`);
}

function processorFor(exporter: TraceExporter, env: NodeJS.ProcessEnv, service: string): SpanProcessor {
  switch (exporter) {
    case 'otlp':
      // The exporter reads the endpoint, headers, timeout and compression from OTEL_* itself.
      return new BatchSpanProcessor({ exporter: new OTLPTraceExporter() });
    case 'console':
      return new SimpleSpanProcessor({ exporter: new ConsoleSpanExporter() });
    case 'file': {
      const path = env.SEAM_TRACE_FILE!.replaceAll('{service}', service).replaceAll('{pid}', String(process.pid));
      return new SimpleSpanProcessor({ exporter: new FileSpanExporter(path) });
    }
  }
}

function samplerFrom(env: NodeJS.ProcessEnv): Sampler {
  const ratio = Number(env.OTEL_TRACES_SAMPLER_ARG ?? 1);
  const root = new TraceIdRatioBasedSampler(Number.isFinite(ratio) ? ratio : 1);
  switch (env.OTEL_TRACES_SAMPLER) {
    case 'always_on':
      return new AlwaysOnSampler();
    case 'always_off':
      return new AlwaysOffSampler();
    case 'traceidratio':
      return root;
    case 'parentbased_always_off':
      return new ParentBasedSampler({ root: new AlwaysOffSampler() });
    case 'parentbased_traceidratio':
      return new ParentBasedSampler({ root });
    default:
      return new ParentBasedSampler({ root: new AlwaysOnSampler() });
  }
}

/**
 * `OTEL_SERVICE_NAME` wins (through the env detector); else the app: `dist/apps/<app>/main.js`,
 * or the app the image's entrypoint (`deploy/entrypoint.mjs <app>`, `SEAM_APP`) is about to run.
 */
function serviceName(env: NodeJS.ProcessEnv): string {
  if (env.OTEL_SERVICE_NAME) return env.OTEL_SERVICE_NAME;
  const [, entry, app] = process.argv;
  if (entry?.endsWith('main.js')) return basename(dirname(entry));
  return app?.trim() || env.SEAM_APP || 'seam';
}

/**
 * Exports buffered spans when the process is told to stop. The app's own handlers (Nest's
 * shutdown hooks) close it meanwhile; if none listens, the signal is raised again once flushed,
 * so that this listener never keeps a process alive that would have stopped.
 */
function flushOnSignals(provider: TracerProvider): void {
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.once(signal, () => {
      const alone = process.listenerCount(signal) === 0;
      void provider.forceFlush().finally(() => alone && process.kill(process.pid, signal));
    });
  }
}
