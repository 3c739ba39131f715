import type { Role } from '@contracts/identity';
import { UnauthorizedError } from '@seam/transport';
import { errors, jwtVerify, type JWTHeaderParameters, SignJWT } from 'jose';
import { createHash } from 'node:crypto';
import { type TokenIdentity, VerifiedTokens } from './verified-tokens.js';

/** The `iss` of every token this module issues. */
export const TOKEN_ISSUER = 'seam-identity';
/** The `aud` of every token this module issues: the Seam application as a whole. */
export const TOKEN_AUDIENCE = 'seam';
/** How far a verifier's clock may be behind the issuer's. */
export const CLOCK_TOLERANCE_SECONDS = 5;

/** The claim carrying the account's token version (see {@link TokenSubject.tokenVersion}). */
export const TOKEN_VERSION_CLAIM = 'tv';

/** What a token is issued for. */
export interface TokenSubject {
  id: string;
  email: string;
  roles: Role[];
  /**
   * The account's token version, raised by every sign-out and password change: a token issued
   * at an older version no longer verifies. Tokens issued before versions existed carry none and
   * count as version 0.
   */
  tokenVersion: number;
}

/**
 * The `kid` of a secret: 16 base64url characters of its SHA-256 under a fixed label. It tells
 * the current key from the previous one without configuration. It gives away no more than every
 * token's HMAC signature already does: a random 32-byte secret cannot be searched for from
 * either, and a guessable one is guessable from any token.
 */
export function keyIdOf(secret: Uint8Array): string {
  return createHash('sha256').update('seam-identity-jwt-kid:').update(secret).digest('base64url').slice(0, 16);
}

/**
 * Issues and verifies access tokens: JWTs signed with HS256, carrying `sub`, `email`, `roles`,
 * `iss`, `aud`, `iat` and `exp`, and in their header the `kid` of the key that signed them. Only
 * HS256 is accepted on the way in, so `alg: none`, public-key algorithms and forged signatures
 * all fail.
 *
 * Rotation: tokens are signed with the current secret; a token naming the previous secret's
 * `kid` still verifies (until it expires), any other `kid` is refused. A token with no `kid`
 * (issued before key ids) is checked against the current secret only.
 */
export class AccessTokens {
  private readonly key: Uint8Array;
  private readonly keyId: string;
  private readonly keys: ReadonlyMap<string, Uint8Array>;
  private readonly verified: VerifiedTokens;

  constructor(
    secret: Uint8Array,
    /** Lifetime of a token, in seconds. */
    readonly ttlSeconds: number,
    private readonly now: () => Date = () => new Date(),
    /** The secret being rotated out, if any: verified, never used to sign. */
    previousSecret?: Uint8Array,
    /** Verified tokens remembered (see {@link VerifiedTokens}); 0 verifies every token in full. */
    rememberedTokens?: number,
  ) {
    this.verified = new VerifiedTokens(CLOCK_TOLERANCE_SECONDS, rememberedTokens);
    // Private copies, as this realm's Uint8Array: jose checks keys with instanceof.
    this.key = new Uint8Array(secret);
    this.keyId = keyIdOf(this.key);
    const keys = new Map<string, Uint8Array>();
    if (previousSecret) keys.set(keyIdOf(previousSecret), new Uint8Array(previousSecret));
    keys.set(this.keyId, this.key);
    this.keys = keys;
  }

  /** A signed token for `subject`, valid for `ttlSeconds` from now. */
  async issue(subject: TokenSubject): Promise<string> {
    const issuedAt = Math.floor(this.now().getTime() / 1_000);
    return new SignJWT({ email: subject.email, roles: subject.roles, [TOKEN_VERSION_CLAIM]: subject.tokenVersion })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT', kid: this.keyId })
      .setSubject(subject.id)
      .setIssuer(TOKEN_ISSUER)
      .setAudience(TOKEN_AUDIENCE)
      .setIssuedAt(issuedAt)
      .setExpirationTime(issuedAt + this.ttlSeconds)
      .sign(this.key);
  }

  /**
   * The user id a token speaks for and the token version it was issued at. Only the signature and
   * the claims are checked here; whether that user still exists, and still has that version, is
   * the caller's business. A token verified before is answered from memory while its time bounds
   * hold (see {@link VerifiedTokens}).
   *
   * @throws UnauthorizedError saying what is wrong (expired, bad signature, algorithm, claim,
   * malformed), never anything about the key.
   */
  async verify(token: string): Promise<TokenIdentity> {
    const now = this.now();
    const remembered = this.verified.identityOf(token, Math.floor(now.getTime() / 1_000));
    if (remembered !== undefined) return remembered;
    try {
      const { payload } = await jwtVerify(token, (header) => this.keyFor(header), {
        algorithms: ['HS256'],
        issuer: TOKEN_ISSUER,
        audience: TOKEN_AUDIENCE,
        clockTolerance: CLOCK_TOLERANCE_SECONDS,
        requiredClaims: ['sub', 'iat', 'exp'],
        currentDate: now,
      });
      if (typeof payload.sub !== 'string' || payload.sub === '') throw new UnauthorizedError('Token has no subject');
      const identity = { subject: payload.sub, version: versionOf(payload[TOKEN_VERSION_CLAIM]) };
      this.verified.remember(token, {
        ...identity,
        expiresAt: payload.exp!,
        ...(payload.nbf !== undefined && { notBefore: payload.nbf }),
      });
      return identity;
    } catch (error) {
      throw rejection(error);
    }
  }

  private keyFor(header: JWTHeaderParameters): Uint8Array {
    if (header.kid === undefined) return this.key;
    const key = typeof header.kid === 'string' ? this.keys.get(header.kid) : undefined;
    if (!key) throw new UnauthorizedError('Token key id is unknown (the key may have been rotated out)');
    return key;
  }
}

/** A token's version claim: absent is 0 (issued before versions); anything but a whole number ≥ 0 is refused. */
function versionOf(claim: unknown): number {
  if (claim === undefined) return 0;
  if (typeof claim === 'number' && Number.isSafeInteger(claim) && claim >= 0) return claim;
  throw new UnauthorizedError(`Token claim "${TOKEN_VERSION_CLAIM}" is missing or invalid`);
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
