// The Redis transport's failure detector against real processes and a real Redis: a stalled event
// loop, on either side, is never taken for a death; a killed replica is. Every call that should
// succeed gets a deadline of 10 s (20 s in (d), whose calls are held 5 s), far beyond the 2 s stall
// plus what a loaded 2-core CI machine adds, so that a failure here means the detector misjudged,
// not that the machine was slow.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { SeamResilienceModule, DEFAULT_CALL_POLICY } from '@seam/resilience';
import { LoopStalls } from '@seam/testing';
import { type Endpoint, type SeamError, UnavailableError } from '@seam/transport';
import { PrivateRedis, redisUnavailableReason } from '../support/redis-server.js';
import { ProbeContract } from '../parity/fixtures/probe.contract.js';
import { type ParityTarget, remoteTarget } from '../parity/support/parity-target.js';
import { waitForHandled } from '../parity/support/remote-scenarios.js';

const skipReason = redisUnavailableReason();
const suite = skipReason ? describe.skip : describe;
const title = (name: string) => (skipReason ? `${name} — skipped: ${skipReason}` : name);

const STALL_MS = 2_000;
const GENEROUS_DEADLINE_MS = 10_000;
/** (d)'s deadline: its calls are held 5 s, by the victim and then again by the survivor. */
const D_DEADLINE_MS = 20_000;

interface Outcome {
  ok: boolean;
  replica?: string;
  error?: SeamError;
  settledAt: number;
}

function settle(call: Promise<{ replica: string }>): Promise<Outcome> {
  return call.then(
    (answer) => ({ ok: true, replica: answer.replica, settledAt: performance.now() }),
    (error: SeamError) => ({ ok: false, error, settledAt: performance.now() }),
  );
}

function describeFailures(outcomes: Outcome[]): string[] {
  return outcomes
    .filter((outcome) => !outcome.ok)
    .map((outcome) => `${outcome.error?.name}: ${outcome.error?.message}`);
}

/** Blocks this process's event loop, as a GC pause or a CPU-bound request would. */
function blockThisEventLoop(ms: number): number {
  const started = performance.now();
  while (performance.now() - started < ms); // deliberately busy
  return performance.now() - started;
}

describe.each([
  ['streams', (url: string): Endpoint => ({ transport: 'redis', url })],
  ['pubsub', (url: string): Endpoint => ({ transport: 'redis', url, mode: 'pubsub' })],
] as const)('Redis failure detector (%s), one replica', (mode, endpointFor) => {
  suite(title(`${mode}: stalls are not deaths`), () => {
    let redis: PrivateRedis;
    let target: ParityTarget;
    beforeAll(async () => {
      redis = await PrivateRedis.start();
      target = await remoteTarget(() => endpointFor(redis.url));
    }, 120_000); // the callee process gets 60 s to start (see remoteTarget) on a loaded 2-core CI machine
    afterAll(async () => {
      await target?.close();
      await redis?.stop();
    });

    it(`(a) completes 50 calls in flight while the callee's event loop is blocked for ${STALL_MS} ms, none Unavailable`, async () => {
      const calls = Array.from({ length: 50 }, (_, index) =>
        settle(
          target.client.send(
            ProbeContract.sleep,
            { ms: 300, id: `callee-stall-${index}` },
            { timeoutMs: GENEROUS_DEADLINE_MS },
          ),
        ),
      );
      await waitForHandled(() => target, 0, 50, 'probe:callee-stall-');
      const blockStarted = performance.now();
      const block = await settle(
        target.client.send(ProbeContract.blockLoop, { ms: STALL_MS }, { timeoutMs: GENEROUS_DEADLINE_MS }),
      );
      const outcomes = await Promise.all(calls);
      process.stdout.write(
        `${mode}, callee blocked ${STALL_MS} ms: block answered after ${(block.settledAt - blockStarted).toFixed(0)} ms, ` +
          `${outcomes.filter((outcome) => outcome.ok).length}/50 calls answered\n`,
      );
      expect(block.ok).toBe(true);
      expect(block.settledAt - blockStarted).toBeGreaterThanOrEqual(STALL_MS); // the callee did stall
      expect(describeFailures(outcomes)).toEqual([]);
      await expect(target.client.send(ProbeContract.echo, { text: 'after', count: 1 })).resolves.toEqual({
        text: 'after',
        count: 1,
      });
    });

    it(`(b) completes 50 calls in flight while the caller's event loop is blocked for ${STALL_MS} ms, none Unavailable`, async () => {
      const calls = Array.from({ length: 50 }, (_, index) =>
        settle(
          target.client.send(
            ProbeContract.sleep,
            { ms: 300, id: `caller-stall-${index}` },
            { timeoutMs: GENEROUS_DEADLINE_MS },
          ),
        ),
      );
      await waitForHandled(() => target, 0, 50, 'probe:caller-stall-');
      // From a timer, as a sweep of the failure detector runs: after the stall the detector's own
      // timers are due before the heartbeats that arrived meanwhile have been read.
      const blocked = await new Promise<number>((resolve) =>
        setTimeout(() => resolve(blockThisEventLoop(STALL_MS)), 0),
      );
      const outcomes = await Promise.all(calls);
      process.stdout.write(
        `${mode}, caller blocked ${blocked.toFixed(0)} ms: ${outcomes.filter((outcome) => outcome.ok).length}/50 calls answered\n`,
      );
      expect(describeFailures(outcomes)).toEqual([]);
      await expect(target.client.send(ProbeContract.echo, { text: 'after', count: 2 })).resolves.toEqual({
        text: 'after',
        count: 2,
      });
    });

    it('(c) fails 50 calls in flight with Unavailable soon after kill -9 of the only replica, and later calls at once', async () => {
      const calls = Array.from({ length: 50 }, (_, index) =>
        settle(target.client.send(ProbeContract.sleep, { ms: 20_000, id: `doomed-${index}` }, { timeoutMs: 30_000 })),
      );
      await waitForHandled(() => target, 0, 50, 'probe:doomed-');
      const stalls = LoopStalls.watch();
      const killedAt = performance.now();
      target.replicas[0]!.signal('SIGKILL');
      const outcomes = await Promise.all(calls);
      const last = Math.max(...outcomes.map((outcome) => outcome.settledAt - killedAt));
      const askedAt = performance.now();
      const later = await settle(
        target.client.send(ProbeContract.sleep, { ms: 1, id: 'too-late' }, { timeoutMs: 5_000 }),
      );
      const laterMs = later.settledAt - askedAt;
      const stalledMs = stalls.stop();
      process.stdout.write(
        `${mode}, kill -9 of the only replica: 50/50 Unavailable, the last ${last.toFixed(0)} ms after the kill; ` +
          `a later call failed after ${laterMs.toFixed(1)} ms\n`,
      );
      expect(outcomes.every((outcome) => outcome.error instanceof UnavailableError)).toBe(true);
      // Detection takes about 600 ms (three missed heartbeats, then one question to Redis); the
      // bound leaves room for a loaded machine, and is far below the calls' 30 s deadline. Both
      // bounds add the longest stall of this process meanwhile: no timer fires during one.
      expect(last).toBeLessThan(3_000 + stalledMs);
      expect(later.error).toBeInstanceOf(UnavailableError);
      expect(laterMs).toBeLessThan(1_000 + stalledMs); // refused at once, not after its 5 s deadline
      expect(target.pending()).toBe(0);
    });
  });
});

suite(title('Redis failure detector (streams), 2 replicas'), () => {
  let redis: PrivateRedis;
  let target: ParityTarget;
  beforeAll(async () => {
    redis = await PrivateRedis.start();
    // The standard policy retries idempotent calls after Unavailable; here with room for every
    // call the killed replica held (the default 20% budget is about protecting a sick callee).
    const probePolicy = {
      ...DEFAULT_CALL_POLICY,
      retry: { ...DEFAULT_CALL_POLICY.retry, budgetRatio: 1 },
      breaker: { ...DEFAULT_CALL_POLICY.breaker, minimumCalls: 1_000, windowCalls: 1_000 },
    };
    target = await remoteTarget(() => ({ transport: 'redis', url: redis.url }), 2, {
      callerImports: [SeamResilienceModule.forRoot({ default: DEFAULT_CALL_POLICY, modules: { probe: probePolicy } })],
    });
  }, 120_000); // two callee processes get 60 s each to start (see remoteTarget) on a loaded 2-core CI machine
  afterAll(async () => {
    await target?.close();
    await redis?.stop();
  });

  it('(d) loses no call when one of 2 replicas is killed: the survivor takes what the victim held and what comes after', async () => {
    // Each call is held 5 s, so that the victim still holds its calls when it is killed even after
    // stalls of hundreds of ms on a loaded 2-core CI machine; a call is held 5 s by the victim and
    // again by the survivor after the retry, hence its 20 s deadline.
    const calls = Array.from({ length: 100 }, (_, index) =>
      settle(target.client.send(ProbeContract.nap, { ms: 5_000, id: `nap-${index}` }, { timeoutMs: D_DEADLINE_MS })),
    );
    const handled = (replica: number) => target.handledBy(replica).filter((line) => line.startsWith('probe:nap-'));
    const giveUp = performance.now() + 10_000;
    while (handled(0).length + handled(1).length < 100 && performance.now() < giveUp) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const heldByVictim = handled(1).length;
    target.replicas[1]!.signal('SIGKILL');
    const after = Array.from({ length: 50 }, (_, index) =>
      settle(target.client.send(ProbeContract.nap, { ms: 10, id: `after-${index}` }, { timeoutMs: D_DEADLINE_MS })),
    );
    const outcomes = await Promise.all(calls);
    const afterOutcomes = await Promise.all(after);
    const retried = outcomes.filter((outcome, index) => handled(1).includes(`probe:nap-${index}`) && outcome.ok);
    process.stdout.write(
      `2 replicas, one killed: it held ${heldByVictim} of 100; ${outcomes.filter((outcome) => outcome.ok).length}/100 answered ` +
        `(${retried.length} of the victim's by the survivor), ${afterOutcomes.filter((outcome) => outcome.ok).length}/50 sent after the kill answered\n`,
    );
    expect(heldByVictim).toBeGreaterThan(0); // the victim did hold calls when it died
    expect(describeFailures(outcomes)).toEqual([]);
    expect(describeFailures(afterOutcomes)).toEqual([]);
    expect(retried.every((outcome) => outcome.replica === 'replica-0')).toBe(true);
    expect(afterOutcomes.every((outcome) => outcome.replica === 'replica-0')).toBe(true);
    expect(target.pending()).toBe(0);
  }, 60_000); // 5 s holds, retries and 20 s deadlines on a loaded machine, beyond jest's default 30 s
});
