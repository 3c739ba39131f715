/**
 * OpenTelemetry set-up for a Seam process, loaded before the app as OpenTelemetry's docs require
 * for ES modules: `node --import ./dist/apps/<app>/tracing.js dist/apps/<app>/main.js`. When the
 * `OTEL_*` variables configure an exporter (`traceExporters`), it loads the SDK, registers the
 * import-in-the-middle loader hook (so that instrumentations can patch ES modules such as
 * `node:http`) and starts tracing (`startTracing`).
 *
 * With no exporter (or `OTEL_SDK_DISABLED=true`) it does nothing more than read the environment:
 * no loader hook, no SDK loaded, no tracer installed. The hook wraps every ES module loaded after
 * it, for the life of the process, and slows every call through them (docs/tracing.md, Cost)
 * — a price worth paying only for spans someone reads.
 */
import { register } from 'node:module';
import { pathToFileURL } from 'node:url';
import { traceExporters } from './trace-exporters.js';

if (traceExporters().length > 0) {
  // Loaded before the hook is registered, as a static import would be: the SDK's own modules
  // stay unwrapped.
  const { startTracing } = await import('./start-tracing.js');
  // Resolved from the working directory, as the docs do: a bundler rewrites import.meta.url to
  // where the source was built, which need not exist where the app runs.
  register('@opentelemetry/instrumentation/hook.mjs', pathToFileURL('./'));
  startTracing();
}
