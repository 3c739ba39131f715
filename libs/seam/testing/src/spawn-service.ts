import { type ChildProcess, spawn } from 'node:child_process';

/** Options of {@link spawnService}. */
export interface SpawnServiceOptions {
  /** A `.js` file, or a `.ts` file (run through the SWC loader, for tests). */
  entry: string;
  /** Command-line arguments after the entry file. */
  args?: string[];
  /** Node's own flags, before the entry file (a Seam app's: `SEAM_NODE_FLAGS` of @seam/runtime). */
  nodeFlags?: readonly string[];
  env?: Record<string, string>;
  /** The line the process prints when it is ready (default `READY`), or a pattern such a line matches. */
  readyLine?: string | RegExp;
  /** Give up waiting for readiness after this long (default 30,000 ms). */
  readyTimeoutMs?: number;
  cwd?: string;
}

/** A running service process. */
export interface ServiceProcess {
  readonly pid: number;
  /** Everything it printed so far (stdout and stderr), for failure messages. */
  output(): string;
  /** Sends a signal (`SIGKILL` for a crash, `SIGSTOP` to freeze it). */
  signal(signal: NodeJS.Signals): void;
  /** Resolves with the exit code (or signal name) once the process has exited. */
  readonly exited: Promise<number | string>;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves when it is gone. */
  stop(graceMs?: number): Promise<number | string>;
}

const running = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

/**
 * Starts a service as a real OS process and waits until it prints its ready line. Every process
 * started here is killed when the test process exits, even after a failed test.
 *
 * @throws Error with the process output when it exits or stays silent before becoming ready.
 */
export async function spawnService(options: SpawnServiceOptions): Promise<ServiceProcess> {
  const loader = options.entry.endsWith('.ts') ? ['--import', '@swc-node/register/esm-register'] : [];
  const child = spawn(
    process.execPath,
    [...(options.nodeFlags ?? []), ...loader, options.entry, ...(options.args ?? [])],
    {
      cwd: options.cwd ?? process.cwd(),
      env: { ...process.env, ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  running.add(child);
  let output = '';
  const exited = new Promise<number | string>((resolve) =>
    child.once('exit', (code, signal) => {
      running.delete(child);
      resolve(code ?? signal ?? 'unknown');
    }),
  );
  const readyLine = options.readyLine ?? 'READY';
  const ready = new Promise<void>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const lines = output.split('\n');
      if (lines.some((line) => (typeof readyLine === 'string' ? line.trim() === readyLine : readyLine.test(line))))
        resolve();
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    void exited.then((code) => reject(new Error(`${options.entry} exited (${code}) before it was ready:\n${output}`)));
    setTimeout(
      () =>
        reject(new Error(`${options.entry} was not ready within ${options.readyTimeoutMs ?? 30_000} ms:\n${output}`)),
      options.readyTimeoutMs ?? 30_000,
    ).unref();
  });
  const service: ServiceProcess = {
    pid: child.pid!,
    output: () => output,
    signal: (signal) => void child.kill(signal),
    exited,
    stop: async (graceMs = 5_000) => {
      if (child.exitCode !== null || child.signalCode !== null) return exited;
      child.kill('SIGCONT');
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      const code = await exited;
      clearTimeout(timer);
      return code;
    },
  };
  try {
    await ready;
  } catch (error) {
    child.kill('SIGKILL');
    throw error;
  }
  return service;
}
