import type { Role } from '@contracts/identity';

/** The role every new account gets. */
export const DEFAULT_ROLE: Role = 'customer';

// A Record over Role: adding a role to the contract without ranking it here is a compile error.
const RANK: Record<Role, number> = { customer: 0, admin: 1 };

/** Whether `value` is a known role (own keys only: `constructor` is not a role). */
export function isRole(value: string): value is Role {
  return Object.hasOwn(RANK, value);
}

/** What is wrong with a list of roles to give a user; empty when nothing is. */
export function roleProblems(roles: readonly string[]): string[] {
  const problems: string[] = [];
  // A user without any role could log in but do nothing; that is never what an admin means.
  if (roles.length === 0) problems.push('roles must not be empty');
  const unknown = roles.filter((role) => !isRole(role));
  if (unknown.length > 0) problems.push(`unknown roles: ${unknown.join(', ')}`);
  return problems;
}

/** The roles without duplicates, in one fixed order (so that equal sets compare and store equal). */
export function canonicalRoles(roles: readonly Role[]): Role[] {
  return [...new Set(roles)].toSorted((a, b) => RANK[a] - RANK[b]);
}
