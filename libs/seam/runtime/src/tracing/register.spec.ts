import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';

// The register module acts when it is loaded, once per process, and its loader hook cannot be
// taken back: each case is a real `node --import` of it, as deployed (from source, through the
// same TypeScript loader the benchmark uses), in a process of its own.

const REGISTER_MODULE = fileURLToPath(new URL('./register.ts', import.meta.url));

/** Loaded first: records every module the process loads from then on (in-thread, synchronous hooks). */
const WATCH = `import { registerHooks } from 'node:module';
const loaded = (globalThis.seamLoaded = []);
registerHooks({ load: (url, context, next) => (loaded.push(url), next(url, context)) });
`;

/**
 * The app's stand-in, run after the register module. import-in-the-middle's resolve hook marks
 * every module it will wrap with `?iitm=` in its URL, which `import.meta.resolve` reports.
 */
const PROBE = `console.log(JSON.stringify({
  hooked: import.meta.resolve('./watch.mjs').includes('iitm='),
  tracer: globalThis[Symbol.for('seam.tracer')] !== undefined,
  sdkModules: globalThis.seamLoaded.filter((url) => url.includes('/@opentelemetry/')).length,
}));
`;

interface Observed {
  hooked: boolean;
  tracer: boolean;
  sdkModules: number;
}

/** The variables that configure tracing, removed from the inherited environment. */
const TRACING_VARIABLES = /^(OTEL_|SEAM_TRACE_FILE$|NODE_OPTIONS$)/;

describe('register', () => {
  let dir: string;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'seam-register-'));
    writeFileSync(join(dir, 'watch.mjs'), WATCH);
    writeFileSync(join(dir, 'probe.mjs'), PROBE);
  });

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  /** What a process started with the register module and `env` set up before its app ran. */
  async function observe(env: Record<string, string>): Promise<Observed> {
    const inherited = Object.entries(process.env).filter(([name]) => !TRACING_VARIABLES.test(name));
    const { stdout } = await promisify(execFile)(
      process.execPath,
      // prettier-ignore
      [
        '--import', join(dir, 'watch.mjs'),
        '--import', '@swc-node/register/esm-register',
        '--import', REGISTER_MODULE,
        join(dir, 'probe.mjs'),
      ],
      { env: { ...Object.fromEntries(inherited), ...env } },
    );
    return JSON.parse(stdout.trim().split('\n').at(-1)!) as Observed;
  }

  it('registers the loader hook and installs the tracer when spans go to a trace file', async () => {
    const observed = await observe({ SEAM_TRACE_FILE: join(dir, 'spans.jsonl') });
    expect(observed).toMatchObject({ hooked: true, tracer: true });
    expect(observed.sdkModules).toBeGreaterThan(0);
  });

  it('registers the loader hook and installs the tracer when an OTLP endpoint is set', async () => {
    // Nothing is sent: no span is recorded before the process exits.
    const observed = await observe({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:9' });
    expect(observed).toMatchObject({ hooked: true, tracer: true });
  });

  it('loads nothing, neither the loader hook nor the SDK, without an exporter', async () => {
    expect(await observe({})).toEqual({ hooked: false, tracer: false, sdkModules: 0 });
  });

  it('loads nothing when OTEL_TRACES_EXPORTER=none, even with an OTLP endpoint', async () => {
    const observed = await observe({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:9', OTEL_TRACES_EXPORTER: 'none' });
    expect(observed).toEqual({ hooked: false, tracer: false, sdkModules: 0 });
  });

  it('loads nothing with OTEL_SDK_DISABLED=true, even with an exporter', async () => {
    const observed = await observe({ SEAM_TRACE_FILE: join(dir, 'spans.jsonl'), OTEL_SDK_DISABLED: 'true' });
    expect(observed).toEqual({ hooked: false, tracer: false, sdkModules: 0 });
  });
});
