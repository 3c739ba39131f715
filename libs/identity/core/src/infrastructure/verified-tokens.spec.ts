import { describe, expect, it } from '@jest/globals';
import { VerifiedTokens } from './verified-tokens.js';

describe('VerifiedTokens', () => {
  it('answers a remembered token while it is valid, within the tolerance, and forgets it once expired', () => {
    const verified = new VerifiedTokens(5);
    verified.remember('a.b.c', { subject: 'user-1', version: 0, expiresAt: 1_000 });
    expect(verified.identityOf('a.b.c', 999)?.subject).toBe('user-1');
    expect(verified.identityOf('a.b.c', 1_004)?.subject).toBe('user-1');
    expect(verified.identityOf('a.b.c', 1_005)?.subject).toBeUndefined();
    expect(verified.size).toBe(0);
    expect(verified.identityOf('a.b.c', 999)?.subject).toBeUndefined();
  });

  it('does not answer before a remembered not-before, beyond the tolerance', () => {
    const verified = new VerifiedTokens(5);
    verified.remember('t', { subject: 'user-1', version: 0, expiresAt: 2_000, notBefore: 1_000 });
    expect(verified.identityOf('t', 994)?.subject).toBeUndefined();
    verified.remember('t', { subject: 'user-1', version: 0, expiresAt: 2_000, notBefore: 1_000 });
    expect(verified.identityOf('t', 995)?.subject).toBe('user-1');
  });

  it('matches the exact string only', () => {
    const verified = new VerifiedTokens(5);
    verified.remember('header.payload.signature', { subject: 'user-1', version: 0, expiresAt: 2_000 });
    expect(verified.identityOf('header.payload.signaturE', 1_000)?.subject).toBeUndefined();
    expect(verified.identityOf('header.payload.signature ', 1_000)?.subject).toBeUndefined();
  });

  it('keeps at most its limit, dropping the oldest first, and nothing with a limit of 0', () => {
    const verified = new VerifiedTokens(5, 2);
    for (const token of ['one', 'two', 'three'])
      verified.remember(token, { subject: token, version: 0, expiresAt: 2_000 });
    expect(verified.size).toBe(2);
    expect(['one', 'two', 'three'].map((token) => verified.identityOf(token, 1_000)?.subject)).toEqual([
      undefined,
      'two',
      'three',
    ]);
    const none = new VerifiedTokens(5, 0);
    none.remember('one', { subject: 'one', version: 0, expiresAt: 2_000 });
    expect(none.identityOf('one', 1_000)?.subject).toBeUndefined();
    expect(() => new VerifiedTokens(5, -1)).toThrow(RangeError);
  });
});
