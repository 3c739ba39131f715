/**
 * OpenTelemetry set-up for a Seam process, loaded before the app as OpenTelemetry's docs require
 * for ES modules: `node --import ./dist/apps/<app>/tracing.js dist/apps/<app>/main.js`. It
 * registers the import-in-the-middle loader hook (so that instrumentations can patch ES modules
 * such as `node:http`) and then starts tracing from the `OTEL_*` variables (see `startTracing`).
 * Nothing is exported, nor recorded, unless an exporter is configured.
 */
import { register } from 'node:module';
import { pathToFileURL } from 'node:url';
import { startTracing } from './start-tracing.js';

if (process.env.OTEL_SDK_DISABLED !== 'true') {
  // Resolved from the working directory, as the docs do: a bundler rewrites import.meta.url to
  // where the source was built, which need not exist where the app runs.
  register('@opentelemetry/instrumentation/hook.mjs', pathToFileURL('./'));
  startTracing();
}
