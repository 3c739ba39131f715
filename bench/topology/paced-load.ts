import { Agent, request } from 'node:http';
import { performance } from 'node:perf_hooks';
import { type LoadWindow, quantileOf, type WindowFigures, windowFigures } from './load-window.js';

/** A request repeated at a fixed rate. */
export interface PacedRequest {
  urls: readonly string[];
  method: 'GET' | 'POST';
  headers: Record<string, string>;
  body?: string;
  ratePerSecond: number;
  /** Keep-alive connections shared by the requests (at most this many in flight). */
  connections: number;
}

/**
 * An open-loop load: request k is due at `k / ratePerSecond` s, sent then whatever became of the
 * ones before, and its latency counts from when it was due — so a stall of the server (or of this
 * generator) shows in the figures instead of quietly lowering the rate. The requests due in the
 * window are the window's; it opens when the first of them is due and closes with the last answer.
 *
 * Written here because autocannon's rate limit is a quota per second: each connection sends as
 * fast as it can until its share of the second is used, so "1,000 requests per second" arrives as
 * bursts at full speed at the top of each second, and its latencies measure those bursts.
 */
export async function pacedLoad(options: PacedRequest, window: LoadWindow): Promise<WindowFigures> {
  const agent = new Agent({ keepAlive: true, maxSockets: options.connections });
  const intervalMs = 1_000 / options.ratePerSecond;
  const firstMeasured = Math.round(options.ratePerSecond * window.warmUpSeconds);
  const total = firstMeasured + Math.round(options.ratePerSecond * window.durationSeconds);
  const latencies: number[] = [];
  const lateSends: number[] = [];
  const counts = { requests: total - firstMeasured, seconds: 0, non2xx: 0, errors: 0 };
  const started = performance.now();
  let lastAnswer = started;
  const send = (index: number) =>
    new Promise<void>((done) => {
      const due = started + index * intervalMs;
      const measured = index >= firstMeasured;
      const answered = (ok: boolean, status = 0) => {
        lastAnswer = performance.now();
        if (measured) {
          if (!ok) counts.errors++;
          else if (status < 200 || status >= 300) counts.non2xx++;
          else latencies.push(lastAnswer - due);
        }
        done();
      };
      if (measured) lateSends.push(performance.now() - due);
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
      while (sent.length < total && started + sent.length * intervalMs <= now) {
        if (sent.length === firstMeasured) window.opened?.();
        sent.push(send(sent.length));
      }
      if (sent.length >= total) return finished();
      setTimeout(tick, Math.max(0, started + sent.length * intervalMs - performance.now()));
    };
    tick();
  });
  await Promise.all(sent);
  counts.seconds = (lastAnswer - (started + firstMeasured * intervalMs)) / 1_000;
  window.closed?.();
  agent.destroy();
  return { ...windowFigures(latencies, counts), lateSendP99Ms: quantileOf(lateSends, 0.99) };
}
