import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { IdentityContract } from '@contracts/identity';
import { SeamClient } from '@seam/transport';
import request from 'supertest';
import { type Database, sqliteTarget } from '../e2e/support/database-targets.js';
import { throttlingConfigFrom } from '../../apps/monolith/src/edge/throttling/throttling.config.js';
import { E2eMonolith } from '../e2e/support/e2e-monolith.js';
import { expectProblem, unique } from '../e2e/support/shop-client.js';

/**
 * The password change under guessing with a stolen token, with the monolith's default limits.
 * Its account is the token's, known only once the bearer guard has run — after the throttler
 * guard, which caps log-ins per account from the body's e-mail. Identity's change-password calls
 * are counted at the edge's contract client: each one hashes the guess with scrypt.
 */
describe('edge throttling: the password change', () => {
  let database: Database;
  let monolith: E2eMonolith;
  let changes = 0;

  beforeAll(async () => {
    database = await sqliteTarget().create();
    monolith = await E2eMonolith.start(database.config, {
      throttling: throttlingConfigFrom({ SEAM_TRUST_PROXY: 'loopback' }),
    });
    // On the prototype: every module's client is one.
    const send = SeamClient.prototype.send;
    jest.spyOn(SeamClient.prototype, 'send').mockImplementation(function (this: SeamClient, entry, ...rest) {
      if (entry.pattern === IdentityContract.changePassword.pattern) changes++;
      return send.call(this, entry, ...rest);
    });
  }, 60_000);
  afterAll(async () => {
    jest.restoreAllMocks();
    await monolith?.close();
    await database?.drop();
  });

  let nextAddress = 10;
  /** An address of its own (TEST-NET-3), believed through X-Forwarded-For from the loopback proxy. */
  const newAddress = () => `203.0.113.${nextAddress++}`;

  it('caps guesses on one account with a stolen token even when they all arrive at once, as log-in does', async () => {
    const email = `${unique('victim').toLowerCase()}@example.com`;
    const owner = newAddress();
    const credentials = { email, password: 'the right password' };
    await request(monolith.server)
      .post('/api/auth/register')
      .set('X-Forwarded-For', owner)
      .send({ ...credentials, name: 'Victim' })
      .expect(201);
    const { body } = await request(monolith.server)
      .post('/api/auth/login')
      .set('X-Forwarded-For', owner)
      .send(credentials)
      .expect(200);
    const token = (body as { accessToken: string }).accessToken;

    const before = changes;
    // Each guess from an address of its own, all at once: no failure is known before they are all in.
    const flood = await Promise.all(
      Array.from({ length: 40 }, (_, guess) =>
        request(monolith.server)
          .post('/api/auth/password')
          .set('X-Forwarded-For', newAddress())
          .set('Authorization', `Bearer ${token}`)
          .send({ currentPassword: `parallel ${guess}`, newPassword: 'a brand new password' }),
      ),
    );
    const reached = changes - before;
    // Log-in's cap per account (10 a minute), on the same counter (the register and log-in above count too).
    expect(reached).toBeGreaterThan(0);
    expect(reached).toBeLessThanOrEqual(10);
    const refused = flood.filter(({ status }) => status === 429);
    expect(refused).toHaveLength(40 - reached);
    for (const response of refused) {
      expectProblem(response, 429, 'UNAVAILABLE', '/api/auth/password');
      expect(Number(response.headers['retry-after'])).toBeGreaterThanOrEqual(1);
      expect(Number(response.headers['retry-after'])).toBeLessThanOrEqual(60);
    }
    // The account's log-ins share the cap: guessing here spends them too.
    expectProblem(
      await request(monolith.server).post('/api/auth/login').set('X-Forwarded-For', newAddress()).send(credentials),
      429,
      'UNAVAILABLE',
      '/api/auth/login',
    );
  }, 60_000);
});
