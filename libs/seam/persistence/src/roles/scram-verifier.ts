import { createHash, createHmac, pbkdf2Sync, randomBytes } from 'node:crypto';

/** PostgreSQL's own default iteration count (`scram_iterations`). */
export const SCRAM_ITERATIONS = 4096;

/**
 * The SCRAM-SHA-256 verifier of `password`, in the form PostgreSQL stores in `pg_authid`
 * (`SCRAM-SHA-256$<iterations>:<salt>$<StoredKey>:<ServerKey>`, RFC 5802/7677). Setting a role's
 * password to it means the password itself never travels to the server, nor into its statement
 * log. Synchronous (one PBKDF2 derivation). The password must be printable ASCII, for which
 * PostgreSQL's SASLprep changes nothing; {@link checkModuleRoles} ensures it.
 */
export function scramSha256Verifier(
  password: string,
  salt: Buffer = randomBytes(16),
  iterations = SCRAM_ITERATIONS,
): string {
  const salted = pbkdf2Sync(password, salt, iterations, 32, 'sha256');
  const storedKey = createHash('sha256')
    .update(createHmac('sha256', salted).update('Client Key').digest())
    .digest('base64');
  const serverKey = createHmac('sha256', salted).update('Server Key').digest('base64');
  return `SCRAM-SHA-256$${iterations}:${salt.toString('base64')}$${storedKey}:${serverKey}`;
}
