import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { Redis } from 'ioredis';
import { eventually, freePort } from '@seam/testing';

/** Why Redis suites cannot run here, or undefined when they can. */
export function redisUnavailableReason(): string | undefined {
  try {
    execFileSync('redis-server', ['--version'], { stdio: 'ignore' });
    return undefined;
  } catch {
    return 'redis-server is not installed (the parity suite starts a private, restartable Redis)';
  }
}

/**
 * A private Redis server on a free port, started for one suite so that it can be restarted and
 * killed without disturbing anything else using Redis on this machine. Nothing is persisted.
 */
export class PrivateRedis {
  private process?: ChildProcess;

  private constructor(
    readonly port: number,
    private readonly aclFile?: string,
  ) {}

  /** `redis://127.0.0.1:<port>` */
  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  /** The server's process id while it runs (the benchmarks measure its CPU). */
  get pid(): number | undefined {
    return this.process?.pid;
  }

  /**
   * @param options.aclFile an ACL file (`--aclfile`): its users, and no others. With the default
   *   user off, the server counts as up once it answers at all (NOAUTH).
   */
  static async start(options: { aclFile?: string } = {}): Promise<PrivateRedis> {
    const redis = new PrivateRedis(await freePort(), options.aclFile);
    await redis.boot();
    return redis;
  }

  /** Kills the server (SIGKILL: no goodbye to clients) and starts a fresh, empty one on the same port. */
  async restart(): Promise<void> {
    await this.stop();
    await this.boot();
  }

  async stop(): Promise<void> {
    const child = this.process;
    this.process = undefined;
    if (!child || child.exitCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
  }

  private async boot(): Promise<void> {
    const args = ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'];
    if (this.aclFile) args.push('--aclfile', this.aclFile);
    this.process = spawn('redis-server', args, { stdio: 'ignore' });
    process.once('exit', () => this.process?.kill('SIGKILL'));
    await eventually(
      async () => {
        // No ready check: its INFO would be refused (NOAUTH) with the default user off.
        const probe = new Redis(this.url, {
          lazyConnect: true,
          maxRetriesPerRequest: 0,
          retryStrategy: () => null,
          enableReadyCheck: false,
        });
        // A refused connection before the server listens is expected: reported by connect(), not as an unhandled event.
        probe.on('error', () => undefined);
        try {
          await probe.connect();
          await probe.ping().catch((error: Error) => {
            if (!(this.aclFile && /^NOAUTH\b/.test(error.message))) throw error;
          });
        } finally {
          probe.disconnect();
        }
      },
      { timeoutMs: 10_000, intervalMs: 50 },
    );
  }
}
