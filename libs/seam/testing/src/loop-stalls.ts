import { performance } from 'node:perf_hooks';

/** How often the watch looks at the clock, in ms: a delay shorter than this is not a stall. */
const RESOLUTION_MS = 5;

/**
 * Watches this process's event loop for stalls (GC pauses, other test files' work, a loaded
 * machine not scheduling the process). A timing bound in a test is the product's promise plus the
 * longest stall seen while it was measured: on a 2-core CI machine running jest workers, Redis and
 * PostgreSQL at once, a loop can stall for hundreds of milliseconds, and no timer of any program
 * can fire during a stall. The stall is measured, not guessed, so the bound stays as tight as the
 * machine allows.
 *
 * A timer of its own rather than `monitorEventLoopDelay`: Node's histogram records a delay only
 * between two of its own ticks, so a stall before its first tick — one that starts right after
 * `watch()`, when the loop wakes late and runs a test's timer before the histogram's — is never
 * seen (a CI run failed this way, a 200 ms stall reported as 12 ms). Here the clock starts at
 * `watch()`, and a stall still in progress counts too.
 */
export class LoopStalls {
  private last = performance.now();
  private longest = 0;
  private readonly timer: NodeJS.Timeout;

  private constructor() {
    this.timer = setInterval(() => this.look(), RESOLUTION_MS);
    // Never what keeps a process (or a jest worker) alive.
    this.timer.unref();
  }

  /** Starts watching. */
  static watch(): LoopStalls {
    return new LoopStalls();
  }

  /** The longest stall seen so far, the one in progress included, in ms. */
  longestMs(): number {
    return Math.max(this.longest, this.delaySinceLastLook());
  }

  /** Stops watching and returns the longest stall seen, in ms. */
  stop(): number {
    const longest = this.longestMs();
    clearInterval(this.timer);
    return longest;
  }

  private look(): void {
    this.longest = Math.max(this.longest, this.delaySinceLastLook());
    this.last = performance.now();
  }

  private delaySinceLastLook(): number {
    return Math.max(0, performance.now() - this.last - RESOLUTION_MS);
  }
}
