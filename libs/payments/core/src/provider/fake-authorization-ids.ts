import { randomBytes, randomUUID } from 'node:crypto';

/**
 * How long the fake answers a repeated authorization key with its first hold: a day, as Stripe
 * keeps its keys. Payments keeps its own keys longer (two days at least), so a request repeated
 * after that is answered by payments itself and never reaches the provider; only a retry of a
 * request that never got its answer does, within its budget (a day at most).
 */
export const AUTHORIZATION_KEY_WINDOW_MS = 86_400_000;

/**
 * A new opaque token for a card: random, so it says nothing about the number. The fake keeps no
 * table of tokens (and no card number): nothing it offers takes a token back, and its tables
 * live in the payments module's database, which holds no card number.
 */
export function newCardToken(): string {
  return `tok_${randomBytes(16).toString('hex')}`;
}

/**
 * A new authorization id, stamped with when it was made (`auth_<ms, base 36>_<uuid>`): the fake's
 * ledger keeps no time, and its key window ({@link AUTHORIZATION_KEY_WINDOW_MS}) needs one.
 */
export function newAuthorizationId(now: Date): string {
  return `auth_${now.getTime().toString(36)}_${randomUUID()}`;
}

/** When {@link newAuthorizationId} made `authorizationId`; `undefined` for ids made before it stamped them. */
export function authorizationTime(authorizationId: string): number | undefined {
  const stamp = /^auth_([0-9a-z]+)_/.exec(authorizationId)?.[1];
  return stamp === undefined ? undefined : Number.parseInt(stamp, 36);
}
