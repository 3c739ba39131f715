import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { type Database, sqliteTarget } from '../e2e/support/database-targets.js';
import { throttlingConfigFrom } from '../../apps/monolith/src/edge/throttling/throttling.config.js';
import { E2eMonolith } from '../e2e/support/e2e-monolith.js';
import { expectProblem } from '../e2e/support/shop-client.js';

/**
 * The HTTP edge's per-address limit against what Nest's guards never see: paths no route has,
 * methods a path does not allow, bodies refused before routing. Each test speaks from its own
 * client address (X-Forwarded-For, believed because this app trusts the loopback proxy).
 */
describe('edge throttling: requests refused before the guard, on the same per-address counter', () => {
  let database: Database;
  let monolith: E2eMonolith;

  beforeAll(async () => {
    database = await sqliteTarget().create();
    monolith = await E2eMonolith.start(database.config, {
      throttling: throttlingConfigFrom({ SEAM_THROTTLE_LIMIT: '20/1m', SEAM_TRUST_PROXY: 'loopback' }),
    });
  }, 60_000);
  afterAll(async () => {
    await monolith?.close();
    await database?.drop();
  });

  let nextAddress = 10;
  /** Requests from an address of their own (TEST-NET-2). */
  const client = () => {
    const address = `198.51.100.${nextAddress++}`;
    return (method: 'get' | 'delete' | 'head' | 'post', path: string) =>
      request(monolith.server)[method](path).set('X-Forwarded-For', address);
  };

  it('counts unknown paths and refused methods: over the limit they are refused 429, and so is every /api route', async () => {
    const send = client();
    const statuses: number[] = [];
    for (let index = 0; index < 10; index++) {
      statuses.push((await send('get', `/api/nowhere-${index}`)).status);
      statuses.push((await send('delete', '/api/products')).status);
    }
    expect(statuses).toEqual(Array.from({ length: 10 }, () => [404, 405]).flat());
    const refused = await send('get', '/api/nowhere-else');
    expectProblem(refused, 429, 'UNAVAILABLE', '/api/nowhere-else');
    expect(Number(refused.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(Number(refused.headers['retry-after'])).toBeLessThanOrEqual(60);
    expect((await send('get', '/api/products')).status).toBe(429);
    // Another address has its own count.
    expect((await client()('get', '/api/nowhere')).status).toBe(404);
  });

  it('counts what is refused before any guard runs: HEAD on a POST-only route, a body the parser or the edge refuses', async () => {
    const send = client();
    const statuses: number[] = [];
    for (let index = 0; index < 5; index++) {
      // A HEAD "matches" the POST-only route in Express's router, which then finds no handler for it.
      statuses.push((await send('head', '/api/auth/login')).status);
      statuses.push(
        (await send('post', '/api/auth/login').set('Content-Type', 'application/json').send('{"email": ')).status,
      );
      statuses.push((await send('post', '/api/auth/login').set('Content-Type', 'text/plain').send('x')).status);
      statuses.push(
        (
          await send('post', '/api/auth/login')
            .set('Content-Type', 'application/json')
            .send('{"__proto__": {"admin": true}}')
        ).status,
      );
    }
    expect(statuses).toEqual(Array.from({ length: 5 }, () => [405, 400, 415, 400]).flat());
    expectProblem(await send('get', '/api/nowhere'), 429, 'UNAVAILABLE', '/api/nowhere');
  });

  it('refuses an unknown path to an address that spent its limit on the API', async () => {
    const send = client();
    for (let index = 0; index < 20; index++) expect((await send('get', '/api/products')).status).toBe(200);
    expectProblem(await send('get', '/api/nowhere'), 429, 'UNAVAILABLE', '/api/nowhere');
  });
});
