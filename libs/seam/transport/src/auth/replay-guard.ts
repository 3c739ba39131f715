/**
 * Remembers which envelopes were accepted, so that one replayed within the timestamp window is
 * refused. Every signer numbers its envelopes within a random session (`<session>.<sequence>`);
 * the guard keeps, per sender and session, the highest number seen and a bitmap of the
 * {@link REPLAY_WINDOW} numbers below it (the sliding window of IPsec's anti-replay, RFC 4303
 * §3.4.3). Memory is bounded by the honest senders (a session is only recorded once its envelope
 * verified) rather than by the call rate, which a cache of random nonces would be.
 *
 * A number older than the window cannot be told apart from a replay and is refused: envelopes
 * overtaking each other by more than {@link REPLAY_WINDOW} positions do not happen on one
 * connection or stream, and a refused call fails with a typed error, never runs twice.
 */
export class ReplayGuard {
  private readonly sessions = new Map<string, SessionWindow>();
  private nextSweep: number;

  constructor(
    /** How long a silent session is kept: past it, any of its envelopes is stale anyway. */
    private readonly retentionMs: number,
    private readonly now: () => number = Date.now,
  ) {
    this.nextSweep = now() + retentionMs;
  }

  /**
   * Records `sequence` of `sender`'s `session`; `false` when it was already seen (a replay) or is
   * too old to tell.
   */
  accept(sender: string, session: string, sequence: number): boolean {
    const now = this.now();
    if (now >= this.nextSweep) this.sweep(now);
    const key = `${sender}/${session}`;
    let window = this.sessions.get(key);
    if (!window) this.sessions.set(key, (window = new SessionWindow()));
    window.lastSeen = now;
    return window.accept(sequence);
  }

  /** Sessions currently remembered (for tests and metrics). */
  get size(): number {
    return this.sessions.size;
  }

  private sweep(now: number): void {
    this.nextSweep = now + this.retentionMs;
    for (const [key, window] of this.sessions) if (now - window.lastSeen > this.retentionMs) this.sessions.delete(key);
  }
}

/** How many sequence numbers below the highest seen are still told apart. */
export const REPLAY_WINDOW = 4096;
const WORDS = REPLAY_WINDOW / 32;

class SessionWindow {
  lastSeen = 0;
  private highest = -1;
  /** Bit `n % REPLAY_WINDOW` set: number `n` seen (for `n` within the window below `highest`). */
  private readonly seen = new Uint32Array(WORDS);

  accept(sequence: number): boolean {
    if (sequence > this.highest) {
      // Clear the slots the window slides over (all of them after a jump of a whole window).
      const from = Math.max(this.highest + 1, sequence - REPLAY_WINDOW + 1);
      for (let n = from; n <= sequence; n += 1) this.clear(n);
      this.highest = sequence;
      this.set(sequence);
      return true;
    }
    if (sequence <= this.highest - REPLAY_WINDOW) return false;
    if (this.has(sequence)) return false;
    this.set(sequence);
    return true;
  }

  private has(n: number): boolean {
    const slot = n % REPLAY_WINDOW;
    return (this.seen[slot >>> 5]! & (1 << (slot & 31))) !== 0;
  }

  private set(n: number): void {
    const slot = n % REPLAY_WINDOW;
    this.seen[slot >>> 5]! |= 1 << (slot & 31);
  }

  private clear(n: number): void {
    const slot = n % REPLAY_WINDOW;
    this.seen[slot >>> 5]! &= ~(1 << (slot & 31));
  }
}
