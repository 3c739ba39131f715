/**
 * How long a claim may stay unanswered before it counts as abandoned (its process died between
 * the claim and the answer), at the default provider timeout: far above it, so a live claim is
 * never taken over. A longer timeout lengthens it (see {@link abandonedAfterMs}). The provider
 * call of an abandoned authorization may have left a hold at the provider: the takeover asks with
 * the same provider key (see `authorizationKey`) and gets that hold back, not a second one.
 */
export const ABANDONED_CLAIM_MS = 30_000;

/**
 * What a claim may take beyond its provider call before it counts as abandoned: the margin the
 * default timeout (2 s) leaves below {@link ABANDONED_CLAIM_MS}, for the claim's own writes and
 * the stalls of a loaded process.
 */
export const ABANDONED_CLAIM_MARGIN_MS = 28_000;

/**
 * After how long an unanswered claim counts as abandoned, for a provider timeout: never less than
 * {@link ABANDONED_CLAIM_MS}, and always {@link ABANDONED_CLAIM_MARGIN_MS} above the timeout, so
 * that a claim still waiting for its provider is not taken over (a second provider call for one key).
 */
export function abandonedAfterMs(providerTimeoutMs: number): number {
  return Math.max(ABANDONED_CLAIM_MS, providerTimeoutMs + ABANDONED_CLAIM_MARGIN_MS);
}
