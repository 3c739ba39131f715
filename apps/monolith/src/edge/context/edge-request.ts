import type { IncomingMessage } from 'node:http';
import type { Principal } from '@contracts/identity';

/**
 * What the edge reads of an Express request (the project has no `@types/express`): the parsed
 * body and query, the URL as received, and the principal the auth guard put there.
 */
export interface EdgeRequest extends IncomingMessage {
  body?: unknown;
  query?: unknown;
  originalUrl?: string;
  /** Who the verified bearer token speaks for; set by `BearerAuthGuard`. */
  principal?: Principal;
}
