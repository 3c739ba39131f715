import type { Session } from '@contracts/identity';
import type { User } from './domain/user.js';
import type { AccessTokens } from './infrastructure/access-tokens.js';
import { toView } from './user.views.js';

/** A new access token for `user` at its current token version, as the contract answers it. */
export async function sessionFor(user: User, tokens: AccessTokens): Promise<Session> {
  const accessToken = await tokens.issue(user);
  return { accessToken, tokenType: 'Bearer', expiresIn: tokens.ttlSeconds, user: toView(user) };
}
