import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { eventually, freePort } from '@seam/testing';
import { Redis } from 'ioredis';
import { FencedMemoryStore, StaleTokenError } from './fenced-resource.js';
import { RedisLockService } from './redis-lock.service.js';

function redisServerMissing(): string | undefined {
  try {
    execFileSync('redis-server', ['--version'], { stdio: 'ignore' });
    return undefined;
  } catch {
    return 'redis-server is not installed (this suite restarts a private Redis)';
  }
}

const reason = redisServerMissing();
const suite = reason ? describe.skip : describe;

suite(`RedisLockService across a Redis restart that loses every key${reason ? ` — skipped: ${reason}` : ''}`, () => {
  let port: number;
  let server: ChildProcess | undefined;
  let redis: Redis;

  const boot = async (): Promise<void> => {
    // Nothing on disk, as the project's Redis is run: a restart starts empty.
    server = spawn(
      'redis-server',
      ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
      {
        stdio: 'ignore',
      },
    );
    await eventually(async () => expect(await redis.ping()).toBe('PONG'), { timeoutMs: 10_000, intervalMs: 50 });
  };
  const kill = async (): Promise<void> => {
    const child = server;
    server = undefined;
    if (!child || child.exitCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
  };

  beforeAll(async () => {
    port = await freePort();
    redis = new Redis({ port, host: '127.0.0.1', lazyConnect: true });
    redis.on('error', () => undefined);
    await boot();
  });

  afterAll(async () => {
    redis.disconnect();
    await kill();
  });

  it('hands no acquirer after the restart a token as old as a lease still held from before it', async () => {
    const locks = new RedisLockService(redis);
    const store = new FencedMemoryStore<string>();
    for (let i = 0; i < 3; i++) await (await locks.acquire('job', { ttlMs: 30_000 })).release();
    const first = await locks.acquire('job', { ttlMs: 30_000 });
    store.write('job', 'first', first.token);

    await kill();
    await boot();

    // The first holder's renewal is 10 s away: it still holds the lock, as far as it can know, and
    // every acquirer after the restart writes while it does. (Not asserted: a CI machine stalled
    // past those 10 s would see the lease lost, which changes nothing of what is checked below.)
    const later: number[] = [];
    for (let i = 0; i < 5; i++) {
      const next = await locks.acquire('job', { ttlMs: 30_000 });
      later.push(next.token);
      if (next.token >= first.token) store.write('job', `later ${i}`, next.token);
      await next.release();
    }
    // Before the clock floor: tokens 1, 2, 3, 4 — the fourth equal to the first holder's, and the
    // store took both holders' writes.
    expect(later.filter((token) => token <= first.token)).toEqual([]);
    expect(() => store.write('job', 'first again', first.token)).toThrow(StaleTokenError);
    expect(later).toEqual(later.toSorted((a, b) => a - b));
    expect(later.every((token) => Number.isSafeInteger(token))).toBe(true);
    await first.release();
  });
});
