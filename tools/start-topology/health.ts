import { setTimeout as sleep } from 'node:timers/promises';

/** How long one `/health` request may take before it counts as unanswered. */
const REQUEST_MS = 3_000;
/** Pause between two polls. */
const POLL_MS = 250;

/** Where a `/health` poll stands, for the message of a run that did not become healthy in time. */
export interface HealthProbe {
  /** The last answer: `503`, `ECONNREFUSED`, … (undefined before the first). */
  last?: string;
}

/**
 * Polls `url` until it answers 200. Resolves then; rejects when `signal` aborts (the run's
 * deadline, Ctrl-C or a process dying), never on its own.
 */
export async function waitHealthy(url: string, signal: AbortSignal, probe: HealthProbe = {}): Promise<void> {
  for (;;) {
    signal.throwIfAborted();
    try {
      const response = await fetch(url, { signal: AbortSignal.any([signal, AbortSignal.timeout(REQUEST_MS)]) });
      await response.arrayBuffer();
      if (response.status === 200) return;
      probe.last = String(response.status);
    } catch (error) {
      signal.throwIfAborted();
      const cause = (error as { cause?: { code?: string } }).cause;
      probe.last = cause?.code ?? (error as Error).name;
    }
    await sleep(POLL_MS, undefined, { signal });
  }
}
