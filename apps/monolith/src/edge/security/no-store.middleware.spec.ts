import { describe, expect, it } from '@jest/globals';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { noStoreOnCredentials } from './no-store.middleware.js';

/** The Cache-Control the middleware set for a request, and whether it passed the request on. */
function cacheControlFor(url: string, headers: Record<string, string> = {}): { value?: string; next: boolean } {
  const set = new Map<string, string>();
  const response = { setHeader: (name: string, value: string) => set.set(name, value) } as unknown as ServerResponse;
  let next = false;
  noStoreOnCredentials({ url, headers } as IncomingMessage, response, () => {
    next = true;
  });
  return { value: set.get('Cache-Control'), next };
}

describe('noStoreOnCredentials', () => {
  it.each([
    '/api/auth/login',
    '/api/auth/register',
    '/api/auth',
    '/API/Auth/Login',
    '/api/auth/login?x=1',
    '/api/auth/login#f',
    'http://127.0.0.1:3000/api/auth/login',
    'http://shop.example/API/Auth/Login?x=1',
  ])('marks %p no-store', (url) => {
    expect(cacheControlFor(url)).toEqual({ value: 'no-store', next: true });
  });

  it('marks any request that presents credentials, whatever the route', () => {
    expect(cacheControlFor('/api/products', { authorization: 'Bearer x' })).toEqual({ value: 'no-store', next: true });
  });

  it.each([
    '/api/products',
    '/api/authority',
    '/api/authx/login',
    '/docs',
    '/',
    '/x?next=/api/auth/login',
    'http://shop.example/api/products',
  ])('leaves %p alone without credentials', (url) => {
    expect(cacheControlFor(url)).toEqual({ value: undefined, next: true });
  });
});
