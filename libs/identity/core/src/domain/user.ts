import type { Role } from '@contracts/identity';
import { normaliseEmail } from './email.js';
import { canonicalRoles, DEFAULT_ROLE } from './roles.js';

/** An account: who the user is, what they may do, and the hash that proves their password. */
export interface User {
  id: string;
  /** Normalised (see `normaliseEmail`): unique among users. */
  email: string;
  name: string;
  /** Never empty, no duplicates, in canonical order. */
  roles: Role[];
  /** A self-describing slow hash; never leaves the module. */
  passwordHash: string;
  /** Raised by every sign-out and password change: tokens issued at an older version are refused. */
  tokenVersion: number;
  createdAt: string;
  updatedAt: string;
}

/** A new customer account, stamped with `now`. */
export function newUser(fields: { id: string; email: string; name: string; passwordHash: string }, now: Date): User {
  const at = now.toISOString();
  return {
    id: fields.id,
    email: normaliseEmail(fields.email),
    name: fields.name.trim(),
    roles: [DEFAULT_ROLE],
    passwordHash: fields.passwordHash,
    tokenVersion: 0,
    createdAt: at,
    updatedAt: at,
  };
}

/**
 * The user with exactly `roles` (check them with `roleProblems` first), stamped with `now` — or
 * the same user when the roles do not change.
 */
export function withRoles(user: User, roles: readonly Role[], now: Date): User {
  const next = canonicalRoles(roles);
  const same = next.length === user.roles.length && next.every((role, index) => role === user.roles[index]);
  return same ? user : { ...user, roles: next, updatedAt: now.toISOString() };
}
