/**
 * The data a server holds in frames not yet handled, summed over its connections, with a ceiling.
 * Each connection reports what it holds after every read; growth past the ceiling is refused, so
 * the connection that asked for it is the one closed and the others keep their frames.
 */
export class BufferBudget {
  private used = 0;

  constructor(readonly limit: number) {}

  /** What all connections hold now. */
  get held(): number {
    return this.used;
  }

  /**
   * Moves one connection's share from `from` to `to`. Returns false, changing nothing, when the
   * share grows and the total would exceed the limit; shrinking is always allowed.
   */
  resize(from: number, to: number): boolean {
    const next = this.used - from + to;
    if (to > from && next > this.limit) return false;
    this.used = next;
    return true;
  }
}
