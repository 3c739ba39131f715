/**
 * One load, run without a break from its warm-up through its measured window, so that the window
 * meets the system in its steady state.
 *
 * Why not a warm-up run and then a measured run: each run opens its connections anew and abandons the
 * previous run's requests in flight. A saturated Node server accepts one new connection per turn of
 * its event loop (libuv accepts once per readiness event since 1.45), and a monolith placing orders
 * turns its loop every ~100 ms: the window's 32 new connections then waited up to 2 s for their first
 * answer, which set the cell's p99 (340–400 ms where the steady state's is 140–165 ms; measured
 * 2026-12-06 against the monolith's place flow).
 */
export interface LoadWindow {
  warmUpSeconds: number;
  durationSeconds: number;
  /** Called when the measured window opens (after the warm-up). */
  opened?(): void;
  /** Called when it closes, before the load's connections are let go. */
  closed?(): void;
}

/** What a load measured in its window. */
export interface WindowFigures {
  /** Answers (any status) and failed requests counted in the window. */
  requests: number;
  /** The window's length. */
  seconds: number;
  /** Latencies of the window's 2xx answers, in whole milliseconds. */
  p50Ms: number;
  p99Ms: number;
  /** Answers that were not 2xx. */
  non2xx: number;
  /** Requests that got no answer: refused or reset connections, timeouts. */
  errors: number;
  /**
   * A paced load only: how late the generator itself sent the window's requests, p99 in whole
   * milliseconds — the part of the latencies the server had no hand in (a stall of the generator's
   * own event loop delays every request due meanwhile).
   */
  lateSendP99Ms?: number;
}

/** The figures of the latencies (ms) of 2xx answers and the counts a window collected. */
export function windowFigures(
  latencies: number[],
  counts: { requests: number; seconds: number; non2xx: number; errors: number },
): WindowFigures {
  return { ...counts, p50Ms: quantileOf(latencies, 0.5), p99Ms: quantileOf(latencies, 0.99) };
}

/** The `quantile` of `values` (any order), rounded to a whole number; 0 of none. */
export function quantileOf(values: readonly number[], quantile: number): number {
  const sorted = values.toSorted((a, b) => a - b);
  return sorted.length === 0
    ? 0
    : Math.round(sorted[Math.min(sorted.length - 1, Math.floor(quantile * sorted.length))]!);
}
