/**
 * Whether a process traces at all, decided from its environment alone. Kept apart from the SDK set-up
 * (`start-tracing.ts`) and free of OpenTelemetry imports: the register module asks it before loading
 * anything, so that a process with no exporter loads neither the SDK nor the loader hook.
 */

/** A span exporter the environment can configure. */
export type TraceExporter = 'otlp' | 'console' | 'file';

/**
 * The span exporters the environment configures, in the order their processors are set up:
 * `otlp` when `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT` or `OTEL_EXPORTER_OTLP_ENDPOINT` is non-empty and
 * `OTEL_TRACES_EXPORTER` (default `otlp`) names `otlp`; `console` when it names `console`; neither
 * when it names `none`; `file` when `SEAM_TRACE_FILE` is non-empty (whatever `OTEL_TRACES_EXPORTER`
 * says). Nothing at all with `OTEL_SDK_DISABLED=true`.
 *
 * The one decision both the register module (loader hook) and `startTracing` (SDK) follow, so that
 * they cannot disagree: an empty list means the process is not traced and pays nothing. Synchronous,
 * reads only `env`.
 */
export function traceExporters(env: NodeJS.ProcessEnv = process.env): TraceExporter[] {
  if (env.OTEL_SDK_DISABLED === 'true') return [];
  const names = new Set((env.OTEL_TRACES_EXPORTER ?? 'otlp').split(',').map((name) => name.trim()));
  const exporters: TraceExporter[] = [];
  const endpoint = env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT || env.OTEL_EXPORTER_OTLP_ENDPOINT;
  if (!names.has('none')) {
    if (names.has('otlp') && endpoint) exporters.push('otlp');
    if (names.has('console')) exporters.push('console');
  }
  if (env.SEAM_TRACE_FILE) exporters.push('file');
  return exporters;
}
