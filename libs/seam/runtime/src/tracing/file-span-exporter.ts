import { appendFileSync } from 'node:fs';
import type { SpanExporter, ReadableSpan } from '@opentelemetry/sdk-trace';
import { type ExportResult, ExportResultCode, hrTimeToMicroseconds } from '@opentelemetry/core';

/** One span as a line of the trace file. */
export interface SpanLine {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  /** `SpanKind` as OpenTelemetry numbers it: 0 internal, 1 server, 2 client, 3 producer, 4 consumer. */
  kind: number;
  service: string;
  startUs: number;
  durationUs: number;
  /** `SpanStatusCode`: 0 unset, 1 ok, 2 error. */
  status: number;
  attributes: Record<string, unknown>;
  links: { traceId: string; spanId: string }[];
}

/**
 * Writes every span as one JSON line to a file (appended synchronously, so a line is complete
 * the moment the span ends and a crash loses nothing). For tests and local debugging, where no
 * collector runs: `SEAM_TRACE_FILE`.
 */
export class FileSpanExporter implements SpanExporter {
  constructor(private readonly path: string) {}

  export(spans: ReadableSpan[], done: (result: ExportResult) => void): void {
    try {
      appendFileSync(this.path, spans.map((span) => `${JSON.stringify(toLine(span))}\n`).join(''));
      done({ code: ExportResultCode.SUCCESS });
    } catch (error) {
      done({ code: ExportResultCode.FAILED, error: error as Error });
    }
  }

  shutdown(): Promise<void> {
    return Promise.resolve();
  }

  forceFlush(): Promise<void> {
    return Promise.resolve();
  }
}

function toLine(span: ReadableSpan): SpanLine {
  const context = span.spanContext();
  return {
    traceId: context.traceId,
    spanId: context.spanId,
    parentSpanId: span.parentSpanContext?.spanId,
    name: span.name,
    kind: span.kind,
    service: String(span.resource.attributes['service.name'] ?? ''),
    startUs: hrTimeToMicroseconds(span.startTime),
    durationUs: hrTimeToMicroseconds(span.duration),
    status: span.status.code,
    attributes: span.attributes,
    links: span.links.map((link) => ({ traceId: link.context.traceId, spanId: link.context.spanId })),
  };
}
