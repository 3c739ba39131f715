import type { OnApplicationShutdown } from '@nestjs/common';
import { type EdgeThrottleStore, type ThrottleRecord, toSeconds } from './edge-throttle.store.js';

interface Counter {
  hits: number;
  windowEndsAt: number;
  blockedUntil: number;
}

const SWEEP_INTERVAL_MS = 60_000;
/** Entries kept per map: a client spraying from many addresses must not grow the edge without bound. */
export const MEMORY_STORE_MAX_ENTRIES = 200_000;

/**
 * The edge's throttling state in this process: right for the embedded monolith and a single
 * edge, wrong for replicas (each would count on its own — use the Redis store). Expired entries
 * are swept every minute, so memory follows the clients seen within the longest window.
 */
export class MemoryThrottleStore implements EdgeThrottleStore, OnApplicationShutdown {
  private readonly counters = new Map<string, Counter>();
  private readonly delays = new Map<string, number>();
  private readonly sweeper: NodeJS.Timeout;

  /**
   * @param now the clock (tests move it by hand).
   * @param maxEntries how many counters, and how many delays, are kept at most.
   */
  constructor(
    private readonly now: () => number = Date.now,
    private readonly maxEntries = MEMORY_STORE_MAX_ENTRIES,
  ) {
    this.sweeper = setInterval(() => this.sweep(), SWEEP_INTERVAL_MS);
    this.sweeper.unref();
  }

  async increment(
    key: string,
    ttl: number,
    limit: number,
    blockDuration: number,
    throttlerName: string,
  ): Promise<ThrottleRecord> {
    const now = this.now();
    const id = counterId(key, throttlerName);
    let counter = this.counters.get(id);
    if (counter && counter.blockedUntil > now)
      return record(counter.hits, counter.windowEndsAt - now, true, counter.blockedUntil - now);
    if (!counter || counter.windowEndsAt <= now) {
      counter = { hits: 0, windowEndsAt: now + ttl, blockedUntil: 0 };
      // Re-inserted at the end: Map order is insertion order, so the first entry is the oldest.
      this.counters.delete(id);
      this.counters.set(id, counter);
      bound(this.counters, this.maxEntries);
    }
    counter.hits++;
    if (counter.hits <= limit) return record(counter.hits, counter.windowEndsAt - now, false, 0);
    if (blockDuration > 0) {
      // A new window starts once the block ends, as the Redis store's does.
      counter.blockedUntil = now + blockDuration;
      counter.windowEndsAt = counter.blockedUntil;
      const hits = counter.hits;
      counter.hits = 0;
      return record(hits, blockDuration, true, blockDuration);
    }
    return record(counter.hits, counter.windowEndsAt - now, true, counter.windowEndsAt - now);
  }

  async delayLeft(subject: string): Promise<number> {
    return Math.max(0, (this.delays.get(subject) ?? 0) - this.now());
  }

  async delay(subject: string, ms: number): Promise<void> {
    const until = this.now() + ms;
    if (until <= (this.delays.get(subject) ?? 0)) return;
    this.delays.delete(subject);
    this.delays.set(subject, until);
    bound(this.delays, this.maxEntries);
  }

  async forget(subject: string, throttlerName: string): Promise<void> {
    this.delays.delete(subject);
    this.counters.delete(counterId(subject, throttlerName));
  }

  onApplicationShutdown(): void {
    clearInterval(this.sweeper);
  }

  private sweep(): void {
    const now = this.now();
    for (const [id, counter] of this.counters)
      if (counter.windowEndsAt <= now && counter.blockedUntil <= now) this.counters.delete(id);
    for (const [subject, until] of this.delays) if (until <= now) this.delays.delete(subject);
  }
}

/** Drops the oldest entries of `map` beyond `max`. */
function bound(map: Map<string, unknown>, max: number): void {
  for (const key of map.keys()) {
    if (map.size <= max) return;
    map.delete(key);
  }
}

const counterId = (key: string, throttlerName: string) => `${throttlerName}\u0000${key}`;

function record(totalHits: number, expiresInMs: number, isBlocked: boolean, blockedForMs: number): ThrottleRecord {
  return { totalHits, timeToExpire: toSeconds(expiresInMs), isBlocked, timeToBlockExpire: toSeconds(blockedForMs) };
}
