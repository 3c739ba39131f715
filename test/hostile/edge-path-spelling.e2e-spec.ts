import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type Database, sqliteTarget } from '../e2e/support/database-targets.js';
import { E2eMonolith } from '../e2e/support/e2e-monolith.js';
import { unique } from '../e2e/support/shop-client.js';
import { throttlingConfigFrom } from '../../apps/monolith/src/edge/throttling/throttling.config.js';

/** What came back for a raw request: status, headers, body text. */
interface RawAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/**
 * Express routes a path whatever its case (`/API/Auth/Login`) and routes an absolute-form request
 * target (`POST http://host/api/auth/login HTTP/1.1`, RFC 9112 §3.2.2) by its path: every
 * decision the edge takes on the path — throttling, `Cache-Control: no-store`, 404 against 405 —
 * must take the same spellings for the same route, or a client picks the spelling that skips it.
 * Each test speaks from its own address (X-Forwarded-For, believed from the loopback proxy).
 */
describe('the edge takes every spelling of a path Express routes for that route', () => {
  let database: Database;
  let monolith: E2eMonolith;
  let port: number;
  let nextAddress = 10;
  const newAddress = () => `203.0.113.${nextAddress++}`;

  beforeAll(async () => {
    database = await sqliteTarget().create();
    monolith = await E2eMonolith.start(database.config, {
      throttling: {
        ...throttlingConfigFrom({ SEAM_TRUST_PROXY: 'loopback' }),
        perAddress: { limit: 5, ttlMs: 60_000 },
      },
    });
    // node:http sends the request target as given: supertest would make it origin-form.
    await monolith.app.listen(0, '127.0.0.1');
    port = (monolith.server.address() as AddressInfo).port;
  }, 60_000);
  afterAll(async () => {
    await monolith?.close();
    await database?.drop();
  });

  /** `method target` sent as is, from `address`. */
  function send(method: string, target: string, address: string, body?: unknown): Promise<RawAnswer> {
    const text = body === undefined ? undefined : JSON.stringify(body);
    return new Promise((resolve, reject) => {
      const call = httpRequest(
        {
          host: '127.0.0.1',
          port,
          method,
          path: target,
          headers: {
            'X-Forwarded-For': address,
            ...(text === undefined
              ? {}
              : { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) }),
          },
        },
        (response) => {
          let received = '';
          response.setEncoding('utf8');
          response.on('data', (chunk: string) => (received += chunk));
          response.on('end', () =>
            resolve({ status: response.statusCode!, headers: response.headers, body: received }),
          );
        },
      );
      call.on('error', reject);
      call.end(text);
    });
  }
  const absolute = (path: string) => `http://127.0.0.1:${port}${path}`;

  it.each([
    ['upper case', '/API/PRODUCTS'],
    ['mixed case', '/Api/Products?page=1'],
    ['absolute form', '/api/products'],
    ['absolute form, upper case', '/API/products'],
  ])('counts %s /api requests against the per-address limit', async (kind, path) => {
    const target = kind.startsWith('absolute') ? absolute(path) : path;
    const address = newAddress();
    const statuses: number[] = [];
    for (let index = 0; index < 6; index++) statuses.push((await send('GET', target, address)).status);
    expect(statuses).toEqual([200, 200, 200, 200, 200, 429]);
  });

  it('counts log-in attempts on one account however the path is spelt', async () => {
    const email = `${unique('spelling').toLowerCase()}@example.com`;
    const password = 'the right password';
    expect((await send('POST', '/api/auth/register', newAddress(), { email, password, name: 'Ada' })).status).toBe(201);
    const targets = ['/API/AUTH/LOGIN', absolute('/api/auth/login'), absolute('/Api/Auth/Login')];
    const statuses: number[] = [];
    // A fresh address for each: only the per-account limit (10 a minute, the register included) can refuse.
    for (let attempt = 0; attempt < 12; attempt++)
      statuses.push((await send('POST', targets[attempt % 3]!, newAddress(), { email, password })).status);
    expect(statuses).toEqual([...Array.from({ length: 9 }, () => 200), 429, 429, 429]);
  }, 60_000);

  it('answers an absolute-form or upper-case log-in with Cache-Control: no-store', async () => {
    const email = `${unique('nostore').toLowerCase()}@example.com`;
    const password = 'the right password';
    expect((await send('POST', '/api/auth/register', newAddress(), { email, password, name: 'Ada' })).status).toBe(201);
    for (const target of [absolute('/api/auth/login'), absolute('/API/Auth/Login'), '/API/AUTH/LOGIN']) {
      const answer = await send('POST', target, newAddress(), { email, password });
      expect({ target, status: answer.status, cacheControl: answer.headers['cache-control'] }).toEqual({
        target,
        status: 200,
        cacheControl: 'no-store',
      });
    }
  });

  it('answers a method the path does not allow 405 with Allow, however the path is spelt', async () => {
    for (const target of [
      '/api/orders',
      '/API/ORDERS',
      '/Api/Orders/',
      absolute('/api/orders'),
      absolute('/API/Orders'),
    ]) {
      const answer = await send('DELETE', target, newAddress());
      expect({ target, status: answer.status, allow: answer.headers.allow }).toEqual({
        target,
        status: 405,
        allow: 'GET, HEAD, POST',
      });
    }
    // A path no route has is still 404.
    expect((await send('DELETE', '/API/NOTHING', newAddress())).status).toBe(404);
  });
});
