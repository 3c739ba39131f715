import type { IncomingMessage, ServerResponse } from 'node:http';
import { requestPathOf } from '../context/request-path.js';

/** Where the edge's credential exchanges live (register, log-in, the token's account). */
export const AUTH_PATH_PREFIX = '/api/auth';

/**
 * `Cache-Control: no-store` on every answer of the auth routes — and on any answer to a request
 * that presented credentials: they hold access tokens or a person's data, which no browser or
 * proxy cache may keep (RFC 9111 §5.2.2.5). Set before routing, so problems get it too; the path
 * is read as Express will route it (any case, origin- or absolute-form target).
 */
export function noStoreOnCredentials(
  request: IncomingMessage,
  response: ServerResponse,
  next: (error?: unknown) => void,
): void {
  if (request.headers.authorization !== undefined || isAuthPath(request.url ?? '/'))
    response.setHeader('Cache-Control', 'no-store');
  next();
}

function isAuthPath(url: string): boolean {
  const path = requestPathOf(url).toLowerCase();
  return path === AUTH_PATH_PREFIX || path.startsWith(`${AUTH_PATH_PREFIX}/`);
}
