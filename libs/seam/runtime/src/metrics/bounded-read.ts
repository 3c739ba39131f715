/**
 * How long a scrape waits for one figure read from a module's database (outbox backlog, dead
 * letters, sagas) before leaving it out: well within Prometheus' default `scrape_timeout` (10 s),
 * so that one module's locked table or wedged database costs that module's figures, not the
 * whole scrape — the RED series, breakers and process figures the operator needs most then.
 */
export const SCRAPE_READ_TIMEOUT_MS = 2_000;

/** The reads still running, per source and kind: a later scrape joins one instead of adding another. */
const running = new WeakMap<object, Map<string, Promise<unknown>>>();

/**
 * `read()`'s value, or `undefined` when it fails or has not settled within `timeoutMs`. A read of
 * the same `source` and `kind` still running from an earlier scrape is waited on again rather than
 * started anew, so a database that answers nothing does not collect one more stuck query (and
 * pooled connection) per scrape.
 */
export async function boundedRead<T>(
  source: object,
  kind: string,
  read: () => Promise<T>,
  timeoutMs = SCRAPE_READ_TIMEOUT_MS,
): Promise<T | undefined> {
  let reads = running.get(source);
  if (!reads) running.set(source, (reads = new Map()));
  let pending = reads.get(kind) as Promise<T | undefined> | undefined;
  if (!pending) {
    const started = read().catch(() => undefined);
    reads.set(kind, started);
    pending = started;
    void started.finally(() => reads.delete(kind));
  }
  let timer: NodeJS.Timeout | undefined;
  const giveUp = new Promise<undefined>((resolve) => {
    timer = setTimeout(resolve, timeoutMs, undefined);
  });
  try {
    return await Promise.race([pending, giveUp]);
  } finally {
    clearTimeout(timer);
  }
}
