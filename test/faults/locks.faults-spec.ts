import 'reflect-metadata';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Redis } from 'ioredis';
import { type ServiceProcess, spawnService } from '@seam/testing';
import { PrivateRedis, redisUnavailableReason } from '../support/redis-server.js';
import { reportFigures } from './support/figures.js';
import { faultScale } from './support/scale.js';

const reason = redisUnavailableReason();
const suite = reason ? describe.skip : describe;

const PROCESSES = 5;
const TTL_MS = 300;

suite(`locks under frozen holders${reason ? ` — skipped: ${reason}` : ''}`, () => {
  let redis: PrivateRedis;
  let admin: Redis;
  beforeAll(async () => {
    redis = await PrivateRedis.start();
    admin = new Redis(redis.url);
  });
  afterAll(async () => {
    admin?.disconnect();
    await redis?.stop();
  });

  const { contenders, rounds } = faultScale({
    full: { contenders: 50, rounds: 200 },
    reduced: { contenders: 10, rounds: 150 },
  });

  it(`${contenders} contenders × ${rounds} acquisitions, holders SIGSTOPped past the ${TTL_MS} ms TTL: no stale write accepted, no update lost`, async () => {
    const prefix = 'faults:locks:';
    const perProcess = contenders / PROCESSES;
    const workers: ServiceProcess[] = await Promise.all(
      Array.from({ length: PROCESSES }, () =>
        spawnService({
          entry: 'test/faults/fixtures/lock-contenders.ts',
          args: [redis.url, prefix, String(perProcess), String(rounds), String(TTL_MS)],
          // swc-loaded child processes take 5–15 s to start on a loaded 2-core CI machine, five at once here
          readyTimeoutMs: 90_000,
        }),
      ),
    );
    await admin.set(`${prefix}go`, '1');
    let freezes = 0;
    const state = { running: true };
    const exits = Promise.all(workers.map((worker) => worker.exited)).finally(() => (state.running = false));
    // Freeze a random process past the lease now and then: whoever of it held the lock loses it.
    // The first freeze comes at once: on a quiet machine the reduced run can finish in less time
    // than a random first pause, and a run without a freeze proves nothing.
    const chaos = (async () => {
      for (let first = true; state.running; first = false) {
        if (!first) await new Promise((resolve) => setTimeout(resolve, 100 + Math.random() * 400));
        if (!state.running) break;
        const victim = workers[Math.floor(Math.random() * workers.length)]!;
        victim.signal('SIGSTOP');
        freezes++;
        await new Promise((resolve) => setTimeout(resolve, TTL_MS * 2));
        victim.signal('SIGCONT');
      }
    })();
    const codes = await exits;
    await chaos;
    expect({ codes, output: codes.some((code) => code !== 0) ? workers.map((worker) => worker.output()) : [] }).toEqual(
      { codes: workers.map(() => 0), output: [] },
    );

    const tallies = workers.map((worker) => /ACCEPTED (\d+) REFUSED (\d+)/.exec(worker.output()));
    const accepted = tallies.reduce((sum, match) => sum + Number(match![1]), 0);
    const refused = tallies.reduce((sum, match) => sum + Number(match![2]), 0);
    const counter = Number(await admin.get(`${prefix}counter`));
    const tokens = (await admin.lrange(`${prefix}accepted-tokens`, 0, -1)).map(Number);
    const backwards = tokens.filter((token, index) => index > 0 && token < tokens[index - 1]!).length;
    reportFigures(`locks: ${contenders} contenders × ${rounds} (Redis, ${PROCESSES} processes, TTL ${TTL_MS} ms)`, {
      acquisitions: contenders * rounds,
      'holders frozen (SIGSTOP ≥ 2×TTL)': freezes,
      'writes accepted': accepted,
      'stale writes refused': refused,
      'stale writes accepted': backwards,
      'counter (must equal writes accepted)': counter,
    });
    expect(accepted + refused).toBe(contenders * rounds);
    expect(backwards).toBe(0);
    expect(counter).toBe(accepted);
    expect(tokens).toHaveLength(accepted);
    expect(freezes).toBeGreaterThan(0);
  }, 600_000);
});
