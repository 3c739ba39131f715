/** Who a verified token speaks for, and the account's token version it was issued at. */
export interface TokenIdentity {
  readonly subject: string;
  /** The `tv` claim (0 when absent): compared with the account's current version on every use. */
  readonly version: number;
}

/** What a verified token proved, as long as it stays valid. */
interface Verified extends TokenIdentity {
  /** `exp`, in seconds since the epoch. */
  readonly expiresAt: number;
  /** `nbf` when the token had one, in seconds since the epoch. */
  readonly notBefore?: number;
}

/** How many verified tokens a process remembers by default. */
export const DEFAULT_VERIFIED_TOKENS = 10_000;

/**
 * The tokens this process has verified lately, so that a client sending the same token with
 * every request pays for its HMAC check and claims parsing once (with jose over WebCrypto, about
 * a tenth of the CPU of a cross-module read) instead of each time.
 *
 * A token's string is its key: only a token that passed every check is remembered, and only
 * that exact string matches it — an altered one is a different key and is verified in full. Its
 * time bounds are checked again on every use with the same tolerance as jose's, so a remembered
 * token expires when it would have. What it does not follow is the verifier's keys changing:
 * they are fixed for the life of an `AccessTokens` (a rotation restarts the process), and a new
 * instance starts empty. Nor does it follow sign-outs: a remembered token still answers with its
 * version, and the account's current one is read on every use (see `VerifyTokenController`).
 * Bounded: past `limit`, the oldest entries go first.
 *
 * Written here rather than taken from a cache library: it needs only insertion-order eviction,
 * which a `Map` gives, and an expiry check against the verifier's own clock.
 */
export class VerifiedTokens {
  private readonly entries = new Map<string, Verified>();

  constructor(
    private readonly toleranceSeconds: number,
    private readonly limit = DEFAULT_VERIFIED_TOKENS,
  ) {
    if (!(Number.isInteger(limit) && limit >= 0))
      throw new RangeError(`limit must be a whole number ≥ 0, got ${limit}`);
  }

  /** What `token` proved if it was verified and is still valid at `nowSeconds`; else forgets it. */
  identityOf(token: string, nowSeconds: number): TokenIdentity | undefined {
    const entry = this.entries.get(token);
    if (!entry) return undefined;
    const expired = entry.expiresAt <= nowSeconds - this.toleranceSeconds;
    const early = entry.notBefore !== undefined && entry.notBefore > nowSeconds + this.toleranceSeconds;
    if (!expired && !early) return entry;
    this.entries.delete(token);
    return undefined;
  }

  /** Remembers a token that passed every check. */
  remember(token: string, verified: Verified): void {
    if (this.limit === 0) return;
    this.entries.delete(token);
    this.entries.set(token, verified);
    if (this.entries.size > this.limit) this.entries.delete(this.entries.keys().next().value!);
  }

  /** Tokens remembered (tests, metrics). */
  get size(): number {
    return this.entries.size;
  }
}
