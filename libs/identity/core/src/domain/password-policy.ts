import { normaliseEmail } from './email.js';

/** Shortest acceptable password, in characters (code points). */
export const PASSWORD_MIN_LENGTH = 8;
/** Longest acceptable password: bounds the work a single hash costs. */
export const PASSWORD_MAX_LENGTH = 128;

/**
 * What is wrong with a new password for the account `email`; empty when nothing is. Length is
 * counted in characters, not UTF-16 units, so an emoji counts once.
 */
export function passwordProblems(password: string, email: string): string[] {
  const problems: string[] = [];
  const length = [...password].length;
  if (length < PASSWORD_MIN_LENGTH) problems.push(`password must be at least ${PASSWORD_MIN_LENGTH} characters`);
  if (length > PASSWORD_MAX_LENGTH) problems.push(`password must be at most ${PASSWORD_MAX_LENGTH} characters`);
  if (password.trim() === '') problems.push('password must not be blank');
  // The first guess of anyone who knows the address.
  else if (normaliseEmail(password) === normaliseEmail(email)) problems.push('password must not be the email address');
  return problems;
}
