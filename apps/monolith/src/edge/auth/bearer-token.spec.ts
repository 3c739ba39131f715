import { describe, expect, it } from '@jest/globals';
import { UnauthorizedError } from '@seam/transport';
import { bearerTokenOf } from './bearer-token.js';

describe('bearerTokenOf', () => {
  it('returns the token of a Bearer header, whatever the case of the scheme', () => {
    expect(bearerTokenOf('Bearer eyJ.eyJ.sig')).toBe('eyJ.eyJ.sig');
    expect(bearerTokenOf('bearer abc-_~+/==')).toBe('abc-_~+/==');
  });

  it.each([
    [undefined, 'needs an access token'],
    ['', 'must be "Bearer <token>"'],
    ['Basic YWRtaW46YWRtaW4=', 'must be "Bearer <token>"'],
    ['Bearer', 'must be "Bearer <token>"'],
    ['Bearer two tokens', 'must be "Bearer <token>"'],
    ['Bearer {"json":1}', 'must be "Bearer <token>"'],
    [`Bearer ${'a'.repeat(4_097)}`, 'must be "Bearer <token>"'],
    [['Bearer a', 'Bearer b'], 'must be "Bearer <token>"'],
  ])('refuses %p with UnauthorizedError', (header, message) => {
    expect(() => bearerTokenOf(header)).toThrow(UnauthorizedError);
    expect(() => bearerTokenOf(header)).toThrow(message);
  });
});
