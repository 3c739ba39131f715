/**
 * The tracing rows of the transport benchmark: the in-process call with tracing on as production
 * turns it on (`node --import` of the register module, no exporter configured) against the same
 * call without it, and, for comparison, the same call recording SDK spans that no exporter reads.
 *
 * Why a process per row: what the register module sets up (OpenTelemetry's loader hook, which
 * wraps every ES module loaded afterwards, when an exporter is configured) cannot be taken back,
 * so "tracing off" cannot run in a process where it was loaded. Nor does the recording row share
 * the traced row's process: measured there in turns, the SDK's spans (their garbage, the tracer
 * calls made polymorphic) slowed the traced row's own turns to about a third of the untraced
 * row, for tracing that did nothing. Each row is its own unit and the main loop alternates units
 * run by run.
 */
import { installSeamTracer, type SeamTracer, SEAM_TRACER_KEY, seamTracer } from '@seam/transport';
import type { Row, RowSession } from './rows.js';

/** The register module production loads with `--import` (built as `dist/apps/<app>/tracing.js`). */
const REGISTER_MODULE = './libs/seam/runtime/src/tracing/register.ts';

/** The name that selects the traced row (`BENCH_ROWS=in-process-tracing`); a group of one. */
export const TRACING_GROUP = 'in-process-tracing';

/**
 * The traced processes' flags. The TypeScript loader comes first so that the register module
 * loads from source, as it runs built.
 */
const TRACED_PROCESS = ['--import', '@swc-node/register/esm-register', '--import', REGISTER_MODULE];

/**
 * Calls of `session` with `tracer` installed for each call (`undefined`: none), `@seam/runtime`
 * loaded as in every app (its RED meters installed). Every tracing row pays the same assignment,
 * so that the rows differ only in what they measure.
 */
async function traced(session: RowSession, tracer: SeamTracer | undefined): Promise<RowSession> {
  await import('@seam/runtime');
  return {
    call: () => {
      installSeamTracer(tracer);
      return session.call();
    },
    close: session.close,
  };
}

/**
 * Refuses to measure a "no exporter" row in a process where the register module did set up a
 * tracer (an `OTEL_EXPORTER_OTLP_ENDPOINT` or `SEAM_TRACE_FILE` inherited from the shell): the
 * row would then measure exporting, under the wrong name.
 */
function assertNoExporter(): void {
  const left = (globalThis as Record<symbol, unknown>)[SEAM_TRACER_KEY];
  if (left !== undefined || seamTracer() !== undefined)
    throw new Error(
      'Tracing rows measure tracing without an exporter: unset OTEL_EXPORTER_OTLP_ENDPOINT, OTEL_EXPORTER_OTLP_TRACES_ENDPOINT, SEAM_TRACE_FILE and OTEL_TRACES_EXPORTER=console',
    );
}

/**
 * Seam's OpenTelemetry tracer on an SDK provider with no span processor: every call's client
 * and server spans are sampled, started and ended (under the ids on the wire), then dropped.
 * What an exporter would add (batching, serialising, sending) is left out. OpenTelemetry's global
 * context manager is not set: Seam's spans take their parents from the call context, not from it.
 * Loaded here, not at the top: every row's process imports this file, and only this row's should
 * load the SDK.
 */
async function recordingTracer(): Promise<SeamTracer> {
  const { AlwaysOnSampler, ParentBasedSampler, TracerProvider } = await import('@opentelemetry/sdk-trace');
  const { OtelSeamTracer, SeamIdGenerator } = await import('../../libs/seam/runtime/src/tracing/otel-seam-tracer.js');
  const ids = new SeamIdGenerator();
  const provider = new TracerProvider({
    idGenerator: ids,
    sampler: new ParentBasedSampler({ root: new AlwaysOnSampler() }),
  });
  return new OtelSeamTracer(provider.getTracer('@seam/transport'), ids);
}

/**
 * The tracing rows, each making the call `inProcess` opens (the default in-process row:
 * validation off, implicit propagation), so that they compare with the metrics rows.
 */
export function tracingRows(inProcess: () => Promise<RowSession>): Row[] {
  return [
    {
      id: 'seam-in-process-untraced',
      label: 'Seam in-process, validation off, `@seam/runtime` loaded, tracing off (no register module)',
      open: async () => {
        assertNoExporter();
        return traced(await inProcess(), undefined);
      },
    },
    {
      id: 'seam-in-process-traced',
      group: TRACING_GROUP,
      label:
        'Seam in-process, validation off, `@seam/runtime` loaded, tracing on as deployed (`--import` of the register module), no exporter',
      nodeFlags: TRACED_PROCESS,
      open: async () => {
        assertNoExporter();
        if (!process.execArgv.includes(REGISTER_MODULE))
          throw new Error(`seam-in-process-traced runs in a process started with --import ${REGISTER_MODULE}`);
        return traced(await inProcess(), undefined);
      },
    },
    {
      id: 'seam-in-process-traced-recording',
      label:
        'Seam in-process, validation off, `@seam/runtime` loaded, tracing SDK recording every span (client and server), no exporter',
      nodeFlags: TRACED_PROCESS,
      open: async () => {
        assertNoExporter();
        return traced(await inProcess(), await recordingTracer());
      },
    },
  ];
}
