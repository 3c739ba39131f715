import { UnauthorizedError } from '@seam/transport';

/** RFC 6750 §2.1: `Bearer <b64token>`, the scheme in any case; longer tokens are not ours. */
const BEARER = /^Bearer +([A-Za-z0-9\-._~+/]+=*) *$/i;
const MAX_TOKEN_LENGTH = 4_096;

/**
 * The token of an `Authorization: Bearer <token>` header.
 *
 * @throws UnauthorizedError when the header is missing, uses another scheme, or is malformed.
 */
export function bearerTokenOf(header: string | string[] | undefined): string {
  if (header === undefined)
    throw new UnauthorizedError('This request needs an access token (Authorization: Bearer <token>)');
  const match = typeof header === 'string' ? BEARER.exec(header) : null;
  if (!match || match[1]!.length > MAX_TOKEN_LENGTH)
    throw new UnauthorizedError('The Authorization header must be "Bearer <token>"');
  return match[1]!;
}
