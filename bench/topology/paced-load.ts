import { Agent, request } from 'node:http';
import { performance } from 'node:perf_hooks';

/** A request repeated at a fixed rate. */
export interface PacedRequest {
  urls: readonly string[];
  method: 'GET' | 'POST';
  headers: Record<string, string>;
  body?: string;
  ratePerSecond: number;
  /** Keep-alive connections shared by the requests (at most this many in flight). */
  connections: number;
  durationSeconds: number;
}

/** What {@link pacedLoad} measured, in the fields `measureCell` reads of autocannon's result. */
export interface PacedResult {
  requests: { total: number };
  /** Seconds from the first scheduled request to the last answer. */
  duration: number;
  latency: { p50: number; p99: number };
  non2xx: number;
  errors: number;
}

/**
 * An open-loop load: request k is due at `k / ratePerSecond` s, sent then whatever became of the
 * ones before, and its latency counts from when it was due — so a stall of the server (or of this
 * generator) shows in the figures instead of quietly lowering the rate.
 *
 * Written here because autocannon's rate limit is a quota per second: each connection sends as
 * fast as it can until its share of the second is used, so "1,000 requests per second" arrives as
 * bursts at full speed at the top of each second, and its latencies measure those bursts.
 */
export async function pacedLoad(options: PacedRequest): Promise<PacedResult> {
  const agent = new Agent({ keepAlive: true, maxSockets: options.connections });
  const intervalMs = 1_000 / options.ratePerSecond;
  const total = Math.round(options.ratePerSecond * options.durationSeconds);
  const latencies: number[] = [];
  let non2xx = 0;
  let errors = 0;
  const started = performance.now();
  let lastAnswer = started;
  const send = (index: number) =>
    new Promise<void>((done) => {
      const due = started + index * intervalMs;
      const answered = (ok: boolean, status = 0) => {
        lastAnswer = performance.now();
        latencies.push(lastAnswer - due);
        if (!ok) errors++;
        else if (status < 200 || status >= 300) non2xx++;
        done();
      };
      const url = options.urls[index % options.urls.length]!;
      const outgoing = request(url, { method: options.method, headers: options.headers, agent }, (response) => {
        response.resume();
        response.once('end', () => answered(true, response.statusCode));
        response.once('error', () => answered(false));
      });
      outgoing.once('error', () => answered(false));
      outgoing.end(options.body);
    });
  const sent: Array<Promise<void>> = [];
  await new Promise<void>((finished) => {
    const tick = () => {
      const now = performance.now();
      while (sent.length < total && started + sent.length * intervalMs <= now) sent.push(send(sent.length));
      if (sent.length >= total) return finished();
      setTimeout(tick, Math.max(0, started + sent.length * intervalMs - performance.now()));
    };
    tick();
  });
  await Promise.all(sent);
  agent.destroy();
  const sorted = latencies.toSorted((a, b) => a - b);
  const at = (quantile: number) =>
    Math.round(sorted[Math.min(sorted.length - 1, Math.floor(quantile * sorted.length))]!);
  return {
    requests: { total },
    duration: (lastAnswer - started) / 1_000,
    latency: { p50: at(0.5), p99: at(0.99) },
    non2xx,
    errors,
  };
}
