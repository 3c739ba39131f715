import { describe, expect, it } from '@jest/globals';
import { UnauthorizedError } from '@seam/transport';
import { createHmac, randomBytes, randomUUID } from 'node:crypto';
import { SignJWT } from 'jose';
import { AccessTokens, keyIdOf, type TokenSubject } from './access-tokens.js';

const secret = randomBytes(32);
const t0 = new Date('2026-11-25T10:00:00.000Z');
const at = (date: Date) => () => date;
const later = (seconds: number) => new Date(t0.getTime() + seconds * 1_000);
const subject: TokenSubject = { id: randomUUID(), email: 'ada@example.com', roles: ['customer'], tokenVersion: 2 };
const tokens = new AccessTokens(secret, 3_600, at(t0));

const base64url = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
const claims = () => ({
  sub: subject.id,
  email: subject.email,
  roles: subject.roles,
  iss: 'seam-identity',
  aud: 'seam',
  iat: 1,
  exp: 9_999_999_999,
});

/** A token signed with the right secret but the given claims (jose's builder, no defaults). */
function signed(payload: Record<string, unknown>, alg = 'HS256'): Promise<string> {
  return new SignJWT(payload).setProtectedHeader({ alg, typ: 'JWT' }).sign(new Uint8Array(secret));
}

async function rejection(token: string, verifier = tokens): Promise<string> {
  const error = await verifier.verify(token).then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(UnauthorizedError);
  return (error as UnauthorizedError).message;
}

describe('AccessTokens', () => {
  describe('issue', () => {
    it('signs HS256 with sub, email, roles, the token version, iss, aud, iat and exp, naming its key in kid', async () => {
      const [header, payload] = (await tokens.issue(subject))
        .split('.')
        .slice(0, 2)
        .map((part) => JSON.parse(Buffer.from(part, 'base64url').toString()));
      const iat = t0.getTime() / 1_000;
      expect(header).toEqual({ alg: 'HS256', typ: 'JWT', kid: keyIdOf(secret) });
      expect(payload).toEqual({
        sub: subject.id,
        email: 'ada@example.com',
        roles: ['customer'],
        tv: 2,
        iss: 'seam-identity',
        aud: 'seam',
        iat,
        exp: iat + 3_600,
      });
    });
  });

  describe('token version', () => {
    it('answers the version the token was issued at, and 0 for a token issued before versions', async () => {
      await expect(tokens.verify(await tokens.issue(subject))).resolves.toEqual({ subject: subject.id, version: 2 });
      await expect(tokens.verify(await signed(claims()))).resolves.toEqual({ subject: subject.id, version: 0 });
    });

    it.each([['2'], [-1], [1.5], [null], [Number.MAX_SAFE_INTEGER + 1]])(
      'refuses a token whose version claim is %p, signed with the right key',
      async (tv) => {
        expect(await rejection(await signed({ ...claims(), tv }))).toBe('Token claim "tv" is missing or invalid');
      },
    );
  });

  describe('verify', () => {
    it('answers the subject of a valid token, also from another instance with the same secret', async () => {
      const token = await tokens.issue(subject);
      await expect(tokens.verify(token)).resolves.toMatchObject({ subject: subject.id });
      await expect(new AccessTokens(secret, 60, at(later(3_000))).verify(token)).resolves.toMatchObject({
        subject: subject.id,
      });
    });

    it('refuses an expired token, with 5 s of tolerance', async () => {
      const token = await tokens.issue(subject);
      await expect(new AccessTokens(secret, 3_600, at(later(3_604))).verify(token)).resolves.toMatchObject({
        subject: subject.id,
      });
      expect(await rejection(token, new AccessTokens(secret, 3_600, at(later(3_606))))).toBe('Token has expired');
    });

    it('refuses a token signed with another secret: its kid is unknown, or its signature when it claims ours', async () => {
      const token = await new AccessTokens(randomBytes(32), 3_600, at(t0)).issue(subject);
      expect(await rejection(token)).toBe('Token key id is unknown (the key may have been rotated out)');
      const claimingOurKid = await new SignJWT(claims())
        .setProtectedHeader({ alg: 'HS256', typ: 'JWT', kid: keyIdOf(secret) })
        .sign(new Uint8Array(randomBytes(32)));
      expect(await rejection(claimingOurKid)).toBe('Token signature is invalid');
    });

    it('refuses an altered payload', async () => {
      const [header, , signature] = (await tokens.issue(subject)).split('.');
      const forged = `${header}.${base64url({ ...claims(), roles: ['customer', 'admin'] })}.${signature}`;
      expect(await rejection(forged)).toBe('Token signature is invalid');
    });

    it('refuses alg none, crafted by hand with an empty signature', async () => {
      const token = `${base64url({ alg: 'none', typ: 'JWT' })}.${base64url(claims())}.`;
      expect(await rejection(token)).toBe('Token algorithm is not accepted (only HS256)');
    });

    it('refuses an RS256 header, and HS512 even with the right secret', async () => {
      const rs256 = `${base64url({ alg: 'RS256', typ: 'JWT' })}.${base64url(claims())}.${randomBytes(256).toString('base64url')}`;
      expect(await rejection(rs256)).toBe('Token algorithm is not accepted (only HS256)');
      expect(await rejection(await signed(claims(), 'HS512'))).toBe('Token algorithm is not accepted (only HS256)');
    });

    it('refuses a wrong audience or issuer, and a token without expiry or subject', async () => {
      expect(await rejection(await signed({ ...claims(), aud: 'other' }))).toBe(
        'Token claim "aud" is missing or invalid',
      );
      expect(await rejection(await signed({ ...claims(), iss: 'someone-else' }))).toBe(
        'Token claim "iss" is missing or invalid',
      );
      expect(await rejection(await signed({ ...claims(), exp: undefined }))).toBe(
        'Token claim "exp" is missing or invalid',
      );
      expect(await rejection(await signed({ ...claims(), sub: undefined }))).toBe(
        'Token claim "sub" is missing or invalid',
      );
    });

    it('accepts a token the tests craft with the right claims (the crafting above is sound)', async () => {
      await expect(tokens.verify(await signed(claims()))).resolves.toMatchObject({ subject: subject.id });
    });

    it.each(['', 'garbage', 'a.b.c', '..', 'a.b', '😀.😀.😀', 'a.b.c.d.e'])(
      'refuses the malformed %p',
      async (token) => {
        expect(await rejection(token)).toBe('Token is malformed');
      },
    );

    it('refuses a correctly signed payload that is not a JSON object', async () => {
      const signingInput = `${base64url({ alg: 'HS256', typ: 'JWT' })}.${Buffer.from('[1,2]').toString('base64url')}`;
      const signature = createHmac('sha256', secret).update(signingInput).digest('base64url');
      expect(await rejection(`${signingInput}.${signature}`)).toBe('Token is malformed');
    });

    it.each([
      ['unknown', 'someone-elses-key'],
      ['empty', ''],
      ['a number', 7],
      ['an object', { id: 'x' }],
    ])('refuses a kid that is %s, even on a token signed with the right secret', async (_what, kid) => {
      const token = await new SignJWT(claims())
        .setProtectedHeader({ alg: 'HS256', typ: 'JWT', kid } as never)
        .sign(new Uint8Array(secret));
      expect(await rejection(token)).toMatch(/^Token (key id is unknown|is malformed)/);
    });

    it('never shows the secret in its messages', async () => {
      const message = await rejection(await new AccessTokens(randomBytes(32), 3_600, at(t0)).issue(subject));
      expect(message).not.toContain(secret.toString('base64'));
      expect(message).not.toContain(secret.toString('hex'));
    });
  });

  describe('verified tokens remembered', () => {
    it('answers a token verified before, and refuses it once expired as a fresh verifier would', async () => {
      let now = t0;
      const verifier = new AccessTokens(secret, 60, () => now);
      const token = await verifier.issue(subject);
      await expect(verifier.verify(token)).resolves.toMatchObject({ subject: subject.id });
      now = later(64);
      await expect(verifier.verify(token)).resolves.toMatchObject({ subject: subject.id });
      now = later(66);
      expect(await rejection(token, verifier)).toBe('Token has expired');
    });

    it('still refuses an altered copy of a remembered token', async () => {
      const token = await tokens.issue(subject);
      await expect(tokens.verify(token)).resolves.toMatchObject({ subject: subject.id });
      const [header, payload, signature] = token.split('.') as [string, string, string];
      const flipped = `${signature.slice(0, -2)}${signature.at(-2) === 'A' ? 'B' : 'A'}${signature.at(-1)}`;
      expect(await rejection(`${header}.${payload}.${flipped}`)).toBe('Token signature is invalid');
      const other = base64url({ ...JSON.parse(Buffer.from(payload, 'base64url').toString()), sub: randomUUID() });
      expect(await rejection(`${header}.${other}.${signature}`)).toBe('Token signature is invalid');
    });
  });

  describe('rotation', () => {
    const previous = randomBytes(32);
    const rotated = new AccessTokens(secret, 3_600, at(t0), previous);

    it('signs with the current secret and verifies tokens of the previous one until they expire', async () => {
      const old = await new AccessTokens(previous, 3_600, at(t0)).issue(subject);
      await expect(rotated.verify(old)).resolves.toMatchObject({ subject: subject.id });
      const fresh = await rotated.issue(subject);
      await expect(tokens.verify(fresh)).resolves.toMatchObject({ subject: subject.id });
      expect(await rejection(old, new AccessTokens(previous, 3_600, at(later(3_606))))).toBe('Token has expired');
    });

    it('refuses tokens of the previous secret once it is no longer configured', async () => {
      const old = await new AccessTokens(previous, 3_600, at(t0)).issue(subject);
      expect(await rejection(old)).toBe('Token key id is unknown (the key may have been rotated out)');
    });

    it('checks a token without kid against the current secret only', async () => {
      const unnamed = (key: Uint8Array) =>
        new SignJWT(claims()).setProtectedHeader({ alg: 'HS256', typ: 'JWT' }).sign(new Uint8Array(key));
      await expect(rotated.verify(await unnamed(secret))).resolves.toMatchObject({ subject: subject.id });
      expect(await rejection(await unnamed(previous), rotated)).toBe('Token signature is invalid');
    });
  });
});
