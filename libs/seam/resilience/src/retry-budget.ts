/**
 * A retry budget: retries may add at most `ratio` extra calls per first attempt, over time, plus
 * a small reserve so that a quiet caller can still retry. Each first attempt earns `ratio`
 * tokens (up to `capacity`), each retry spends one; with no token left, a failure is not
 * retried. Keeps a failing callee from receiving (1 + retries)× its load exactly when it is
 * weakest. Written here: cockatiel has retries and backoff, but no budget shared by calls.
 */
export class RetryBudget {
  private tokens: number;

  constructor(
    private readonly ratio: number,
    private readonly reserve = 5,
    private readonly capacity = 100,
  ) {
    this.tokens = reserve;
  }

  /** Records a first attempt. */
  earn(): void {
    this.tokens = Math.min(this.capacity, this.tokens + this.ratio);
  }

  /** Takes a token for a retry; false when the budget is spent. */
  spend(): boolean {
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }

  /** Tokens left (for tests and metrics). */
  get available(): number {
    return this.tokens;
  }

  /** The reserve a new budget starts with. */
  get initial(): number {
    return this.reserve;
  }
}
