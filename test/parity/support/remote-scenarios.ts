import { expect, it } from '@jest/globals';
import { LoopStalls } from '@seam/testing';
import { type SeamError, UnavailableError } from '@seam/transport';
import { ProbeContract } from '../fixtures/probe.contract.js';
import type { ParityTarget } from './parity-target.js';

interface Outcome {
  error?: SeamError;
  settledAt?: number;
}

/** Options of {@link remoteScenarios}: what differs between transports by design. */
export interface RemoteScenarioOptions {
  /**
   * How soon after kill -9 of the callee every in-flight call must have failed (default 1,000 ms:
   * TCP sees the connection close). Redis transports have no connection to the callee: they find
   * it dead by suspicion (about 600 ms of missed heartbeats) and then one question to Redis, so
   * their specs pass 3,000 ms.
   */
  killDetectionMs?: number;
}

/** Scenarios for transports whose callee is another OS process. */
export function remoteScenarios(target: () => ParityTarget, options: RemoteScenarioOptions = {}): void {
  const killDetectionMs = options.killDetectionMs ?? 1_000;
  it(`fails 100 in-flight calls with Unavailable within ${killDetectionMs / 1_000} s of the callee process being killed`, async () => {
    const outcomes: Outcome[] = Array.from({ length: 100 }, () => ({}));
    const calls = outcomes.map((outcome, index) =>
      target()
        .client.send(ProbeContract.sleep, { ms: 20_000, id: `doomed-${index}` }, { timeoutMs: 30_000 })
        .then(
          () => undefined,
          (error: SeamError) => {
            outcome.error = error;
            outcome.settledAt = performance.now();
          },
        ),
    );
    const [callee] = target().replicas;
    // All 100 must have reached the callee before it dies, or this would test something else.
    await waitForHandled(target, 0, 100, 'probe:doomed-');
    const stalls = LoopStalls.watch();
    const killedAt = performance.now();
    callee!.signal('SIGKILL');
    // Wait up to 15 s (still short of the calls' 20 s sleep): only the bound below is the claim,
    // and a loaded 2-core CI machine may stall this process for hundreds of ms beyond it.
    await Promise.race([Promise.all(calls), new Promise((resolve) => setTimeout(resolve, 15_000).unref())]);
    const settled = outcomes.filter((outcome) => outcome.settledAt !== undefined);
    const latest = Math.max(...settled.map((outcome) => outcome.settledAt! - killedAt));
    process.stdout.write(
      `kill -9 with 100 calls in flight: ${settled.length}/100 failed, last after ${latest.toFixed(0)} ms\n`,
    );
    expect(settled).toHaveLength(100);
    expect(outcomes.every((outcome) => outcome.error instanceof UnavailableError)).toBe(true);
    // + the longest stall of this process meanwhile: no timer fires during one (see LoopStalls).
    expect(latest).toBeLessThan(killDetectionMs + stalls.stop());
    expect(target().pending()).toBe(0);
  }, 60_000); // up to 10 s for the calls to arrive and 15 s for them to fail, on a loaded machine
}

/** Waits until replica `replica` has logged `count` lines starting with `prefix`. */
export async function waitForHandled(
  target: () => ParityTarget,
  replica: number,
  count: number,
  prefix: string,
): Promise<void> {
  const giveUp = performance.now() + 10_000;
  while (
    target()
      .handledBy(replica)
      .filter((line) => line.startsWith(prefix)).length < count
  ) {
    if (performance.now() > giveUp) throw new Error(`replica ${replica} did not receive ${count} ${prefix}* calls`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
