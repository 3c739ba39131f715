import { type ChildProcess, spawn } from 'node:child_process';
import { Redis } from 'ioredis';
import { eventually, freePort } from '@seam/testing';
import type { TestPki } from './test-pki.js';

/** The administrator of a {@link PrivateTlsRedis} (the `default` user is off). */
const ADMIN = { username: 'seam-test-admin', password: 'admin-password-for-this-test-only' };

/**
 * A private redis-server that speaks TLS only (`--port 0`), with a certificate from `pki` for
 * 127.0.0.1, client certificates optional, the `default` user off and one administrator. Started
 * for one suite on a free port; nothing is persisted. Killed by {@link PrivateTlsRedis.stop}.
 */
export class PrivateTlsRedis {
  private process?: ChildProcess;
  private log = '';

  private constructor(
    readonly port: number,
    private readonly pki: TestPki,
  ) {}

  /** `rediss://127.0.0.1:<port>` (no credentials). */
  get url(): string {
    return `rediss://127.0.0.1:${this.port}`;
  }

  static async start(pki: TestPki): Promise<PrivateTlsRedis> {
    const redis = new PrivateTlsRedis(await freePort(), pki);
    await redis.boot();
    return redis;
  }

  /** A connection as the administrator (the caller closes it). */
  async admin(): Promise<Redis> {
    const admin = new Redis({
      host: '127.0.0.1',
      port: this.port,
      ...ADMIN,
      tls: { ca: this.pki.ca.cert, rejectUnauthorized: true },
      lazyConnect: true,
      maxRetriesPerRequest: 0,
      retryStrategy: () => null,
    });
    await admin.connect();
    return admin;
  }

  /** What the server printed so far (for a failure message). */
  get output(): string {
    return this.log;
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
    const server = this.pki.issue('redis', ['localhost', '127.0.0.1']);
    const files = ['--tls-cert-file', server.certFile, '--tls-key-file', server.keyFile];
    const tls = [...files, '--tls-ca-cert-file', this.pki.ca.certFile, '--tls-auth-clients', 'optional'];
    const users = [
      '--user',
      'default',
      'off',
      '--user',
      ADMIN.username,
      'on',
      `>${ADMIN.password}`,
      '~*',
      '&*',
      '+@all',
    ];
    const args = ['--port', '0', '--tls-port', String(this.port), '--bind', '127.0.0.1', ...tls, ...users];
    args.push('--save', '', '--appendonly', 'no');
    const child = spawn('redis-server', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    this.process = child;
    child.stdout?.on('data', (chunk: Buffer) => (this.log += chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => (this.log += chunk.toString()));
    process.once('exit', () => child.kill('SIGKILL'));
    await eventually(
      async () => {
        if (child.exitCode !== null) throw new Error(`redis-server exited: ${this.log}`);
        const probe = await this.admin();
        try {
          await probe.ping();
        } finally {
          probe.disconnect();
        }
      },
      { timeoutMs: 20_000, intervalMs: 100 },
    );
  }
}
