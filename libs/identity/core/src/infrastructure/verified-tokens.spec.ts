import { describe, expect, it } from '@jest/globals';
import { VerifiedTokens } from './verified-tokens.js';

describe('VerifiedTokens', () => {
  it('answers a remembered token while it is valid, within the tolerance, and forgets it once expired', () => {
    const verified = new VerifiedTokens(5);
    verified.remember('a.b.c', { subject: 'user-1', expiresAt: 1_000 });
    expect(verified.subjectOf('a.b.c', 999)).toBe('user-1');
    expect(verified.subjectOf('a.b.c', 1_004)).toBe('user-1');
    expect(verified.subjectOf('a.b.c', 1_005)).toBeUndefined();
    expect(verified.size).toBe(0);
    expect(verified.subjectOf('a.b.c', 999)).toBeUndefined();
  });

  it('does not answer before a remembered not-before, beyond the tolerance', () => {
    const verified = new VerifiedTokens(5);
    verified.remember('t', { subject: 'user-1', expiresAt: 2_000, notBefore: 1_000 });
    expect(verified.subjectOf('t', 994)).toBeUndefined();
    verified.remember('t', { subject: 'user-1', expiresAt: 2_000, notBefore: 1_000 });
    expect(verified.subjectOf('t', 995)).toBe('user-1');
  });

  it('matches the exact string only', () => {
    const verified = new VerifiedTokens(5);
    verified.remember('header.payload.signature', { subject: 'user-1', expiresAt: 2_000 });
    expect(verified.subjectOf('header.payload.signaturE', 1_000)).toBeUndefined();
    expect(verified.subjectOf('header.payload.signature ', 1_000)).toBeUndefined();
  });

  it('keeps at most its limit, dropping the oldest first, and nothing with a limit of 0', () => {
    const verified = new VerifiedTokens(5, 2);
    for (const token of ['one', 'two', 'three']) verified.remember(token, { subject: token, expiresAt: 2_000 });
    expect(verified.size).toBe(2);
    expect(['one', 'two', 'three'].map((token) => verified.subjectOf(token, 1_000))).toEqual([
      undefined,
      'two',
      'three',
    ]);
    const none = new VerifiedTokens(5, 0);
    none.remember('one', { subject: 'one', expiresAt: 2_000 });
    expect(none.subjectOf('one', 1_000)).toBeUndefined();
    expect(() => new VerifiedTokens(5, -1)).toThrow(RangeError);
  });
});
