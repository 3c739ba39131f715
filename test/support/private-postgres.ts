import { execFile } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { userInfo } from 'node:os';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePort } from '@seam/testing';

const run = promisify(execFile);
const BIN = '/usr/lib/postgresql/15/bin';

/** Why a private PostgreSQL cannot be started here, or undefined when it can. */
export function privatePostgresUnavailableReason(): string | undefined {
  if (!existsSync(join(BIN, 'initdb')) || !existsSync(join(BIN, 'pg_ctl')))
    return `no PostgreSQL server binaries in ${BIN} (initdb, pg_ctl)`;
  if (userInfo().uid === 0 && !existsSync('/usr/sbin/runuser'))
    return 'running as root without runuser (initdb refuses to run as root)';
  return undefined;
}

/**
 * A PostgreSQL server of its own for one suite, on a free port in a temporary directory, so that
 * a fault test can crash and restart it (`pg_ctl stop -m immediate`: no shutdown checkpoint, as
 * after a crash) without touching the machine's server. Trust authentication, user `postgres`.
 */
export class PrivatePostgres {
  private constructor(
    readonly port: number,
    private readonly dir: string,
  ) {}

  /** `postgres://postgres@127.0.0.1:<port>/postgres` */
  get url(): string {
    return `postgres://postgres@127.0.0.1:${this.port}/postgres`;
  }

  static async start(): Promise<PrivatePostgres> {
    const dir = mkdtempSync(join(tmpdir(), 'seam-private-pg-'));
    if (userInfo().uid === 0)
      chownSync(
        dir,
        Number((await run('id', ['-u', 'postgres'])).stdout.trim()),
        Number((await run('id', ['-g', 'postgres'])).stdout.trim()),
      );
    const server = new PrivatePostgres(await freePort(), dir);
    await server.as(join(BIN, 'initdb'), ['-D', join(dir, 'data'), '-A', 'trust', '-U', 'postgres', '--no-sync']);
    await server.boot();
    return server;
  }

  /** Crashes the server (immediate stop) and starts it again on the same data and port. */
  async restart(): Promise<void> {
    await this.halt();
    await this.boot();
  }

  /** Stops the server and deletes its data. */
  async stop(): Promise<void> {
    await this.halt().catch(() => undefined);
    rmSync(this.dir, { recursive: true, force: true });
  }

  private async boot(): Promise<void> {
    const options = `-p ${this.port} -k ${this.dir} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=300`;
    await this.as(join(BIN, 'pg_ctl'), [
      '-D',
      join(this.dir, 'data'),
      '-l',
      join(this.dir, 'log'),
      '-o',
      options,
      '-w',
      'start',
    ]);
  }

  private async halt(): Promise<void> {
    await this.as(join(BIN, 'pg_ctl'), ['-D', join(this.dir, 'data'), '-m', 'immediate', '-w', 'stop']);
  }

  private async as(command: string, args: string[]): Promise<void> {
    const [file, argv] =
      userInfo().uid === 0 ? ['/usr/sbin/runuser', ['-u', 'postgres', '--', command, ...args]] : [command, args];
    await run(file, argv, { timeout: 60_000 });
  }
}
