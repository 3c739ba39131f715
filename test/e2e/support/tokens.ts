import { randomBytes } from 'node:crypto';
import { decodeJwt, SignJWT } from 'jose';
import { E2E_JWT_SECRET } from './e2e-accounts.js';

// Each hostile token keeps the claims of a real one and changes one thing, so that a 401 can only
// come from that thing.

const now = () => Math.floor(Date.now() / 1_000);
const sign = (claims: Record<string, unknown>, secret: Uint8Array) =>
  new SignJWT(claims).setProtectedHeader({ alg: 'HS256', typ: 'JWT' }).sign(secret);

/** A real token's claims, re-signed with the real key, that expired an hour ago. */
export function expiredCopyOf(token: string): Promise<string> {
  return sign(
    { ...decodeJwt(token), iat: now() - 7_200, exp: now() - 3_600 },
    new TextEncoder().encode(E2E_JWT_SECRET),
  );
}

/** A real token's claims with the admin role added, signed with a key identity does not have. */
export function forgedCopyOf(token: string): Promise<string> {
  return sign({ ...decodeJwt(token), roles: ['customer', 'admin'] }, new Uint8Array(randomBytes(32)));
}

/** A real token's claims under `alg: none`, with an empty signature. */
export function unsignedCopyOf(token: string): string {
  const part = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
  return `${part({ alg: 'none', typ: 'JWT' })}.${part(decodeJwt(token))}.`;
}

/** Whether `token` would still be accepted if re-signed with the real key (the crafting is sound). */
export function resignedCopyOf(token: string): Promise<string> {
  return sign({ ...decodeJwt(token) }, new TextEncoder().encode(E2E_JWT_SECRET));
}
