import { createHash } from 'node:crypto';
import { normalizeIp } from './nest-throttler.js';

/** Who a log-in or register attempt is counted against: its client address and, when named, the account. */
export interface AuthSubjects {
  /** `address:<ip>` (IPv6 by its /64: one host usually holds a whole /64). */
  address: string;
  /** `account:<sha256 of the normalised e-mail>`, or undefined when the body names no e-mail. */
  account?: string;
}

/** The request as the throttle reads it: before validation, so anything may be in the body. */
export interface AttemptRequest {
  ip?: string;
  body?: unknown;
  /** Set by the bearer guard on a route that needs a token (a password change): its account is the one attempted. */
  principal?: { email: string };
}

/** The tracker of a client address, as `ThrottlerGuard`'s default one (with `trust proxy` applied by Express). */
export function addressOf(request: AttemptRequest): string {
  return `address:${normalizeIp(request.ip ?? 'unknown')}`;
}

/**
 * The account an attempt names: the signed-in one (a password change), else the body's e-mail.
 * The e-mail is normalised as identity stores it (trimmed, NFC, lower-case — identity's
 * `normaliseEmail`, which the edge cannot import), so `Ada@x` and `ada@x` are one account; it is hashed so that throttling keys (in Redis too) hold no e-mail.
 */
export function accountOf(request: AttemptRequest): string | undefined {
  const email = request.principal?.email ?? (request.body as { email?: unknown } | undefined)?.email;
  if (typeof email !== 'string') return undefined;
  const normalised = email.trim().normalize('NFC').toLowerCase();
  return `account:${createHash('sha256').update(normalised).digest('base64url')}`;
}

/** Both subjects of an attempt. */
export function subjectsOf(request: AttemptRequest): AuthSubjects {
  const account = accountOf(request);
  return { address: addressOf(request), ...(account ? { account } : {}) };
}
