import { type ChildProcess, spawn } from 'node:child_process';
import { SEAM_NODE_FLAGS } from '@seam/runtime';
import { LineSplitter, plain } from './prefixed-output.js';

/** How a process ended: its exit code, or the signal that ended it. */
export interface Exit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

/** Options of {@link SupervisedProcess.start}. */
export interface SupervisedProcessOptions {
  readonly name: string;
  /** A built `.js` entry, run with this Node. */
  readonly entry: string;
  readonly env: NodeJS.ProcessEnv;
  readonly cwd: string;
  /** Receives every line it prints, stdout and stderr apart. */
  readonly onLine: (line: string, stream: 'stdout' | 'stderr') => void;
}

/** Lines kept for {@link SupervisedProcess.waitForLine}: a process prints its ready lines early. */
const KEPT_LINES = 500;

const running = new Set<ChildProcess>();
// Last resort when the tool itself fails: its children are in their own process groups (see
// start), so nothing else would end them.
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

/** A child process of the run, whose lines are passed on as they come and can be waited for. */
export class SupervisedProcess {
  /** Resolves once the process has exited (never rejects). */
  readonly exited: Promise<Exit>;
  private readonly lines: string[] = [];
  private readonly waiters = new Set<(line: string) => void>();

  private constructor(
    readonly name: string,
    private readonly child: ChildProcess,
  ) {
    this.exited = new Promise((resolve) =>
      child.once('exit', (code, signal) => {
        running.delete(child);
        resolve({ code, signal });
      }),
    );
  }

  /**
   * Starts the process in its own process group (`detached`): a Ctrl-C at the terminal reaches
   * the tool alone, which then stops the processes in order (edge first) — rather than every
   * process at once, and the tool mistaking their exits for crashes.
   */
  static start(options: SupervisedProcessOptions): SupervisedProcess {
    const child = spawn(process.execPath, ['--enable-source-maps', ...SEAM_NODE_FLAGS, options.entry], {
      cwd: options.cwd,
      env: options.env,
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    running.add(child);
    const supervised = new SupervisedProcess(options.name, child);
    for (const stream of ['stdout', 'stderr'] as const) {
      const splitter = new LineSplitter((line) => {
        supervised.seen(line);
        options.onLine(line, stream);
      });
      child[stream]!.on('data', (chunk: Buffer) => splitter.push(chunk));
      child[stream]!.once('end', () => splitter.end());
    }
    return supervised;
  }

  get pid(): number {
    return this.child.pid ?? -1;
  }

  /** Whether it has not exited yet. */
  get alive(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /** The match of the first line printed so far (colours removed) that `pattern` matches. */
  find(pattern: RegExp): RegExpExecArray | undefined {
    for (const line of this.lines) {
      const match = pattern.exec(line);
      if (match) return match;
    }
    return undefined;
  }

  /**
   * The match of the first line (printed so far or later, colours removed) that `pattern` matches.
   *
   * @throws Error naming the process when it exits first, or when `signal` aborts the wait.
   */
  waitForLine(pattern: RegExp, signal: AbortSignal): Promise<RegExpExecArray> {
    const seen = this.find(pattern);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const cleanUp = () => {
        this.waiters.delete(check);
        signal.removeEventListener('abort', aborted);
      };
      const check = (line: string) => {
        const match = pattern.exec(line);
        if (match) {
          cleanUp();
          resolve(match);
        }
      };
      const aborted = () => {
        cleanUp();
        reject(signal.reason instanceof Error ? signal.reason : new Error(`${this.name}: wait aborted`));
      };
      this.waiters.add(check);
      signal.addEventListener('abort', aborted, { once: true });
      if (signal.aborted) aborted();
      void this.exited.then((exit) => {
        cleanUp();
        reject(new Error(`${this.name} exited (${describeExit(exit)}) before it printed ${pattern}`));
      });
    });
  }

  /**
   * SIGTERM (the apps drain and close their databases), then SIGKILL after `graceMs`; resolves
   * once it is gone.
   */
  async stop(graceMs: number): Promise<Exit> {
    if (!this.alive) return this.exited;
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), graceMs);
    const exit = await this.exited;
    clearTimeout(timer);
    return exit;
  }

  private seen(line: string): void {
    const text = plain(line);
    this.lines.push(text);
    if (this.lines.length > KEPT_LINES) this.lines.shift();
    // A waiter that matches removes itself: deleting the current entry of a Set is safe while iterating it.
    for (const waiter of this.waiters) waiter(text);
  }
}

/** `code 1`, `SIGKILL`: how a process ended, for messages. */
export const describeExit = ({ code, signal }: Exit): string => (signal ? signal : `code ${code}`);
