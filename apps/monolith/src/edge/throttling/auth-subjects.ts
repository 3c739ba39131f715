import { createHash } from 'node:crypto';
import { normalizeIp } from './nest-throttler.js';

/** Who a log-in or register attempt is counted against: its client address and, when named, the account. */
export interface AuthSubjects {
  /** `address:<ip>` (IPv6 by its /64: one host usually holds a whole /64). */
  address: string;
  /** `account:<sha256 of the normalised e-mail>`, or undefined when the body names no e-mail. */
  account?: string;
  /**
   * Whether `account` is the signed-in one (a route behind the bearer guard, such as a password
   * change). The throttler guard runs before the bearer guard, so it could not count that
   * account's attempt: `AuthAttemptsInterceptor` does.
   */
  signedIn?: boolean;
}

/** The name (and key prefix) of the throttler that caps attempts per account, whatever their outcome. */
export const AUTH_ACCOUNT = 'auth-account';

/** The name (and key prefix) of the throttler that caps every `/api` request per client address. */
export const PER_ADDRESS = 'default';

/** The storage key of a throttler's counter for a tracker: the throttler guard's and the interceptor's alike. */
export const throttleKey = (throttler: string, tracker: string): string => `${throttler}:${tracker}`;

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
 * `normaliseEmail`, which the edge cannot import), so `Ada@x` and `ada@x` are one account; it
 * is hashed so that throttling keys (in Redis too) hold no e-mail.
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
  return {
    address: addressOf(request),
    ...(account ? { account } : {}),
    ...(account && request.principal ? { signedIn: true } : {}),
  };
}
