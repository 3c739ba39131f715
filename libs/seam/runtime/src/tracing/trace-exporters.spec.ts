import { describe, expect, it } from '@jest/globals';
import { traceExporters } from './trace-exporters.js';

const ENDPOINT = 'http://collector:4318';
const FILE = '/tmp/{service}-{pid}.jsonl';

describe('traceExporters', () => {
  it.each([
    { env: {}, expected: [] },
    { env: { OTEL_EXPORTER_OTLP_ENDPOINT: '' }, expected: [] },
    { env: { OTEL_TRACES_EXPORTER: 'otlp' }, expected: [] },
    { env: { OTEL_EXPORTER_OTLP_ENDPOINT: ENDPOINT }, expected: ['otlp'] },
    { env: { OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: ENDPOINT }, expected: ['otlp'] },
    { env: { OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: '', OTEL_EXPORTER_OTLP_ENDPOINT: ENDPOINT }, expected: ['otlp'] },
    { env: { OTEL_EXPORTER_OTLP_ENDPOINT: ENDPOINT, OTEL_TRACES_EXPORTER: 'none' }, expected: [] },
    { env: { OTEL_EXPORTER_OTLP_ENDPOINT: ENDPOINT, OTEL_TRACES_EXPORTER: 'console' }, expected: ['console'] },
    { env: { OTEL_TRACES_EXPORTER: 'otlp, console' }, expected: ['console'] },
    { env: { OTEL_TRACES_EXPORTER: 'console,none' }, expected: [] },
    { env: { SEAM_TRACE_FILE: FILE }, expected: ['file'] },
    { env: { SEAM_TRACE_FILE: FILE, OTEL_TRACES_EXPORTER: 'none' }, expected: ['file'] },
    { env: { SEAM_TRACE_FILE: FILE, OTEL_EXPORTER_OTLP_ENDPOINT: ENDPOINT }, expected: ['otlp', 'file'] },
    {
      env: { SEAM_TRACE_FILE: FILE, OTEL_EXPORTER_OTLP_ENDPOINT: ENDPOINT, OTEL_SDK_DISABLED: 'true' },
      expected: [],
    },
    { env: { OTEL_EXPORTER_OTLP_ENDPOINT: ENDPOINT, OTEL_SDK_DISABLED: 'false' }, expected: ['otlp'] },
  ])('configures $expected from $env', ({ env, expected }) => {
    expect(traceExporters(env)).toEqual(expected);
  });
});
