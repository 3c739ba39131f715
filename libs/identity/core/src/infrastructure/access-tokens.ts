import type { Role } from '@contracts/identity';
import { UnauthorizedError } from '@seam/transport';
import { errors, jwtVerify, SignJWT } from 'jose';

/** The `iss` of every token this module issues. */
export const TOKEN_ISSUER = 'seam-identity';
/** The `aud` of every token this module issues: the Seam application as a whole. */
export const TOKEN_AUDIENCE = 'seam';
/** How far a verifier's clock may be behind the issuer's. */
export const CLOCK_TOLERANCE_SECONDS = 5;

/** What a token is issued for. */
export interface TokenSubject {
  id: string;
  email: string;
  roles: Role[];
}

/**
 * Issues and verifies access tokens: JWTs signed with HS256 and one shared secret, carrying
 * `sub`, `email`, `roles`, `iss`, `aud`, `iat` and `exp`. Only HS256 is accepted on the way in,
 * so `alg: none`, public-key algorithms and forged signatures all fail.
 */
export class AccessTokens {
  private readonly key: Uint8Array;

  constructor(
    secret: Uint8Array,
    /** Lifetime of a token, in seconds. */
    readonly ttlSeconds: number,
    private readonly now: () => Date = () => new Date(),
  ) {
    // A private copy, as this realm's Uint8Array: jose checks keys with instanceof.
    this.key = new Uint8Array(secret);
  }

  /** A signed token for `subject`, valid for `ttlSeconds` from now. */
  async issue(subject: TokenSubject): Promise<string> {
    const issuedAt = Math.floor(this.now().getTime() / 1_000);
    return new SignJWT({ email: subject.email, roles: subject.roles })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setSubject(subject.id)
      .setIssuer(TOKEN_ISSUER)
      .setAudience(TOKEN_AUDIENCE)
      .setIssuedAt(issuedAt)
      .setExpirationTime(issuedAt + this.ttlSeconds)
      .sign(this.key);
  }

  /**
   * The user id a token speaks for. Only the signature and the claims are checked here; whether
   * that user still exists is the caller's business.
   *
   * @throws UnauthorizedError saying what is wrong (expired, bad signature, algorithm, claim,
   * malformed), never anything about the key.
   */
  async verify(token: string): Promise<string> {
    try {
      const { payload } = await jwtVerify(token, this.key, {
        algorithms: ['HS256'],
        issuer: TOKEN_ISSUER,
        audience: TOKEN_AUDIENCE,
        clockTolerance: CLOCK_TOLERANCE_SECONDS,
        requiredClaims: ['sub', 'iat', 'exp'],
        currentDate: this.now(),
      });
      if (typeof payload.sub !== 'string' || payload.sub === '') throw new UnauthorizedError('Token has no subject');
      return payload.sub;
    } catch (error) {
      throw rejection(error);
    }
  }
}

function rejection(error: unknown): unknown {
  if (error instanceof UnauthorizedError) return error;
  if (error instanceof errors.JWTExpired) return new UnauthorizedError('Token has expired');
  if (error instanceof errors.JOSEAlgNotAllowed)
    return new UnauthorizedError('Token algorithm is not accepted (only HS256)');
  if (error instanceof errors.JWSSignatureVerificationFailed)
    return new UnauthorizedError('Token signature is invalid');
  if (error instanceof errors.JWTClaimValidationFailed)
    return new UnauthorizedError(`Token claim "${error.claim}" is missing or invalid`);
  // Anything else jose refuses (bad base64, bad JSON, not three parts, a JWE…) is malformed input.
  if (error instanceof errors.JOSEError) return new UnauthorizedError('Token is malformed');
  return error;
}
