import { type ELDHistogram, monitorEventLoopDelay } from 'node:perf_hooks';

/**
 * Watches this process's event loop for stalls (GC pauses, other test files' work, a loaded
 * machine not scheduling the process). A timing bound in a test is the product's promise plus the
 * longest stall seen while it was measured: on a 2-core CI machine running jest workers, Redis and
 * PostgreSQL at once, a loop can stall for hundreds of milliseconds, and no timer of any program
 * can fire during a stall. The stall is measured, not guessed, so the bound stays as tight as the
 * machine allows.
 */
export class LoopStalls {
  private readonly histogram: ELDHistogram;

  private constructor() {
    this.histogram = monitorEventLoopDelay({ resolution: 5 });
    this.histogram.enable();
  }

  /** Starts watching. */
  static watch(): LoopStalls {
    return new LoopStalls();
  }

  /** The longest stall seen so far, in ms. */
  longestMs(): number {
    return Number.isFinite(this.histogram.max) ? this.histogram.max / 1e6 : 0;
  }

  /** Stops watching and returns the longest stall seen, in ms. */
  stop(): number {
    const longest = this.longestMs();
    this.histogram.disable();
    return longest;
  }
}
