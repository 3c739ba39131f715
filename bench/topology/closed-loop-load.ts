import autocannon from 'autocannon';
import { performance } from 'node:perf_hooks';
import { type LoadWindow, type WindowFigures, windowFigures } from './load-window.js';

/** A request every connection repeats as soon as its previous one is answered. */
export interface ClosedLoopRequest {
  /** Several edges (replicas): the connections are given to them in turn. */
  urls: readonly string[];
  method: 'GET' | 'POST';
  headers: Record<string, string>;
  body?: string;
  connections: number;
}

/**
 * autocannon with a fixed number of connections for the warm-up and the window in one run; the
 * window's figures are taken from its answers as they come (autocannon's own summary covers the
 * whole run). An answer counts in the window when it arrives there.
 */
export async function closedLoopLoad(request: ClosedLoopRequest, window: LoadWindow): Promise<WindowFigures> {
  const latencies: number[] = [];
  const counts = { requests: 0, seconds: 0, non2xx: 0, errors: 0 };
  let open = false;
  let openedAt = 0;
  let finished!: (error: unknown) => void;
  const done = new Promise<void>((resolve, reject) => {
    finished = (error) => (error ? reject(error) : resolve());
  });
  // The callback form returns the running instance (its events, stop()); the promise form does not.
  const instance = autocannon(
    {
      // autocannon takes an array of URLs (its types say string).
      url: request.urls as unknown as string,
      method: request.method,
      connections: request.connections,
      // Stopped by the window's end; the margin only keeps autocannon from ending first.
      duration: window.warmUpSeconds + window.durationSeconds + 5,
      headers: request.headers,
      body: request.body,
    },
    (error) => finished(error),
  );
  instance.on('response', (_client: unknown, status: number, _bytes: number, milliseconds: number) => {
    if (!open) return;
    counts.requests++;
    if (status >= 200 && status < 300) latencies.push(milliseconds);
    else counts.non2xx++;
  });
  instance.on('reqError', () => {
    if (!open) return;
    counts.requests++;
    counts.errors++;
  });
  const warmedUp = setTimeout(() => {
    openedAt = performance.now();
    open = true;
    window.opened?.();
  }, window.warmUpSeconds * 1_000);
  const ended = setTimeout(
    () => {
      open = false;
      counts.seconds = (performance.now() - openedAt) / 1_000;
      window.closed?.();
      instance.stop();
    },
    (window.warmUpSeconds + window.durationSeconds) * 1_000,
  );
  try {
    await done;
  } finally {
    clearTimeout(warmedUp);
    clearTimeout(ended);
  }
  return windowFigures(latencies, counts);
}
