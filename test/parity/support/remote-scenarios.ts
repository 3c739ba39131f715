import { expect, it } from '@jest/globals';
import { LoopStalls } from '@seam/testing';
import { type SeamError, UnavailableError } from '@seam/transport';
import { ProbeContract } from '../fixtures/probe.contract.js';
import type { ParityTarget } from './parity-target.js';

interface Outcome {
  error?: SeamError;
  settledAt?: number;
}

/** Scenarios for transports whose callee is another OS process. */
export function remoteScenarios(target: () => ParityTarget): void {
  it('fails 100 in-flight calls with Unavailable within 1 s of the callee process being killed', async () => {
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
    await Promise.race([Promise.all(calls), new Promise((resolve) => setTimeout(resolve, 5_000).unref())]);
    const settled = outcomes.filter((outcome) => outcome.settledAt !== undefined);
    const latest = Math.max(...settled.map((outcome) => outcome.settledAt! - killedAt));
    process.stdout.write(
      `kill -9 with 100 calls in flight: ${settled.length}/100 failed, last after ${latest.toFixed(0)} ms\n`,
    );
    expect(settled).toHaveLength(100);
    expect(outcomes.every((outcome) => outcome.error instanceof UnavailableError)).toBe(true);
    // + the longest stall of this process meanwhile: no timer fires during one (see LoopStalls).
    expect(latest).toBeLessThan(1_000 + stalls.stop());
    expect(target().pending()).toBe(0);
  });
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
