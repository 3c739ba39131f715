import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { IdentityContract } from '@contracts/identity';
import { SeamClient } from '@seam/transport';
import request, { type Response } from 'supertest';
import { type Database, sqliteTarget } from '../e2e/support/database-targets.js';
import {
  type ThrottlingConfig,
  throttlingConfigFrom,
} from '../../apps/monolith/src/edge/throttling/throttling.config.js';
import { E2eMonolith } from '../e2e/support/e2e-monolith.js';
import { expectProblem, unique } from '../e2e/support/shop-client.js';
import { PrivateRedis, redisUnavailableReason } from '../support/redis-server.js';

/**
 * The HTTP edge under password guessing, account probing and floods, as the monolith answers
 * them with its default limits. Each test speaks from its own client address (X-Forwarded-For,
 * believed because this app trusts the loopback proxy), so that one test's failures do not
 * slow the next. Identity's log-in and register calls are counted at the edge's contract
 * client: every one of them hashes a password with scrypt, so a refusal must come before it.
 */
/** The wait after the first failure past the free ones (2 s by default; see withLongFirstDelay). */
const FIRST_DELAY_MS = 30_000;

/**
 * `config` with a first delay of {@link FIRST_DELAY_MS}: the attempt right after the fifth failure
 * must still fall inside the delay when a loaded 2-core CI machine stalls the test for a while
 * between the two requests. Every other limit stays as configured.
 */
function withLongFirstDelay(config: ThrottlingConfig): ThrottlingConfig {
  return {
    ...config,
    accountFailures: { ...config.accountFailures, firstDelayMs: FIRST_DELAY_MS },
    addressFailures: { ...config.addressFailures, firstDelayMs: FIRST_DELAY_MS },
  };
}

describe('edge throttling: log-in and register', () => {
  let database: Database;
  let monolith: E2eMonolith;
  const calls = { logIn: 0, register: 0, changePassword: 0 };

  beforeAll(async () => {
    database = await sqliteTarget().create();
    monolith = await E2eMonolith.start(database.config, {
      throttling: withLongFirstDelay(throttlingConfigFrom({ SEAM_TRUST_PROXY: 'loopback' })),
    });
    // On the prototype: every module's client is one (only the edge, and the seed at start-up, log in).
    const send = SeamClient.prototype.send;
    jest.spyOn(SeamClient.prototype, 'send').mockImplementation(function (this: SeamClient, entry, ...rest) {
      if (entry.pattern === IdentityContract.logIn.pattern) calls.logIn++;
      if (entry.pattern === IdentityContract.registerUser.pattern) calls.register++;
      if (entry.pattern === IdentityContract.changePassword.pattern) calls.changePassword++;
      return send.call(this, entry, ...rest);
    });
  }, 60_000);
  afterAll(async () => {
    jest.restoreAllMocks();
    await monolith?.close();
    await database?.drop();
  });

  let nextAddress = 10;
  /** A client at an address of its own (TEST-NET-3). */
  const client = () => {
    const address = `203.0.113.${nextAddress++}`;
    return {
      logIn: (email: string, password: string) =>
        request(monolith.server).post('/api/auth/login').set('X-Forwarded-For', address).send({ email, password }),
      register: (email: string, password = 'a long enough password') =>
        request(monolith.server)
          .post('/api/auth/register')
          .set('X-Forwarded-For', address)
          .send({ email, password, name: 'Probe' }),
      changePassword: (token: string, currentPassword: string) =>
        request(monolith.server)
          .post('/api/auth/password')
          .set('X-Forwarded-For', address)
          .set('Authorization', `Bearer ${token}`)
          .send({ currentPassword, newPassword: 'a brand new password' }),
    };
  };
  const newEmail = () => `${unique('victim').toLowerCase()}@example.com`;

  /** A 429 problem document with a Retry-After of whole seconds (at least 1, at most `maxSeconds`). */
  function expectRefused(response: Response, instance: string, maxSeconds: number): void {
    const body = expectProblem(response, 429, 'UNAVAILABLE', instance);
    expect(body.type).toBe('tag:seam.local,2026:problems/too-many-requests');
    expect(response.headers['retry-after']).toMatch(/^\d+$/);
    const seconds = Number(response.headers['retry-after']);
    expect(seconds).toBeGreaterThanOrEqual(1);
    expect(seconds).toBeLessThanOrEqual(maxSeconds);
  }

  it('after five wrong passwords for an account, refuses the next attempt 429 before identity hashes anything — even with the right password', async () => {
    const owner = client();
    const email = newEmail();
    expect((await owner.register(email, 'the right password')).status).toBe(201);
    const attacker = client();
    const before = calls.logIn;
    for (let guess = 0; guess < 5; guess++) expect((await attacker.logIn(email, `guess ${guess}`)).status).toBe(401);
    expect(calls.logIn - before).toBe(5);

    // The same account from another address: the account itself is delayed (FIRST_DELAY_MS after the fifth failure).
    const started = performance.now();
    const refused = await client().logIn(email.toUpperCase(), 'the right password');
    const refusedInMs = performance.now() - started;
    expectRefused(refused, '/api/auth/login', FIRST_DELAY_MS / 1_000);
    expect(calls.logIn - before).toBe(5);

    // A flood meanwhile: every attempt refused, none reaches identity.
    const flood = await Promise.all(Array.from({ length: 20 }, (_, guess) => attacker.logIn(email, `flood ${guess}`)));
    for (const response of flood) expectRefused(response, '/api/auth/login', 60);
    expect(calls.logIn - before).toBe(5);
    // For the record: a refusal costs no hash (informational; the call count above is the check).
    expect(refusedInMs).toBeLessThan(5_000);
  });

  it('makes probing e-mails through register cost what it costs through log-in: 409s count as failures, on the same counters', async () => {
    const email = newEmail();
    expect((await client().register(email)).status).toBe(201);
    const prober = client();
    const before = calls.register;
    for (let probe = 0; probe < 5; probe++) expect((await prober.register(email.toUpperCase())).status).toBe(409);
    expect(calls.register - before).toBe(5);
    expectRefused(await prober.register(email), '/api/auth/register', FIRST_DELAY_MS / 1_000);
    expect(calls.register - before).toBe(5);
    // Switching to log-in does not reset the count: the account is delayed there too.
    const logInsBefore = calls.logIn;
    expectRefused(await client().logIn(email, 'a long enough password'), '/api/auth/login', FIRST_DELAY_MS / 1_000);
    expect(calls.logIn).toBe(logInsBefore);
  });

  it('slows an address that fails on many accounts (guessing one password across accounts, listing accounts)', async () => {
    const sprayer = client();
    const before = calls.logIn;
    for (let account = 0; account < 20; account++)
      expect((await sprayer.logIn(newEmail(), 'Summer2026!')).status).toBe(401);
    expectRefused(await sprayer.logIn(newEmail(), 'Summer2026!'), '/api/auth/login', FIRST_DELAY_MS / 1_000);
    expectRefused(await sprayer.register(newEmail()), '/api/auth/register', FIRST_DELAY_MS / 1_000);
    expect(calls.logIn - before).toBe(20);
    // The same attempt from another address goes through to identity.
    expect((await client().logIn(newEmail(), 'Summer2026!')).status).toBe(401);
  }, 60_000);

  it('caps attempts on one account even when they all arrive at once, before any failure is known', async () => {
    const email = newEmail();
    const attacker = client();
    const before = calls.logIn;
    const flood = await Promise.all(
      Array.from({ length: 40 }, (_, guess) => attacker.logIn(email, `parallel ${guess}`)),
    );
    const reached = calls.logIn - before;
    expect(reached).toBeGreaterThan(0);
    expect(reached).toBeLessThanOrEqual(10);
    // The rest were refused at the edge. (Those that reached identity answer 401, or 504 when ten
    // scrypt hashes at once outlast the call's deadline on a loaded machine — not what this checks.)
    const refused = flood.filter(({ status }) => status === 429);
    expect(refused).toHaveLength(40 - reached);
    for (const response of refused) expectRefused(response, '/api/auth/login', 60);
  }, 60_000);

  it('makes a stolen token no key to the password: wrong current passwords count against the account, from any address', async () => {
    const email = newEmail();
    const owner = client();
    expect((await owner.register(email, 'the right password')).status).toBe(201);
    const token = ((await owner.logIn(email, 'the right password')).body as { accessToken: string }).accessToken;
    const before = calls.changePassword;
    // Each guess from an address of its own: only the account's counter can stop them.
    for (let guess = 0; guess < 5; guess++)
      expect((await client().changePassword(token, `guess ${guess}`)).status).toBe(403);
    expect(calls.changePassword - before).toBe(5);
    expectRefused(
      await client().changePassword(token, 'the right password'),
      '/api/auth/password',
      FIRST_DELAY_MS / 1_000,
    );
    expect(calls.changePassword - before).toBe(5);
    // The same counters as log-in's: guessing here delays the account's log-in too.
    const logInsBefore = calls.logIn;
    expectRefused(await client().logIn(email, 'the right password'), '/api/auth/login', FIRST_DELAY_MS / 1_000);
    expect(calls.logIn).toBe(logInsBefore);
  });

  it('lets a person who mistyped a few times log in, and forgets those failures once they do', async () => {
    const person = client();
    const email = newEmail();
    expect((await person.register(email, 'my real password')).status).toBe(201);
    for (let typo = 0; typo < 4; typo++)
      expect((await person.logIn(email, `my real pasword ${typo}`)).status).toBe(401);
    expect((await person.logIn(email, 'my real password')).status).toBe(200);
    // Had the first four been kept, the fifth typo here would delay the log-in after it.
    for (let typo = 0; typo < 3; typo++)
      expect((await person.logIn(email, `my reel password ${typo}`)).status).toBe(401);
    expect((await person.logIn(email, 'my real password')).status).toBe(200);
  }, 60_000);
});

describe('edge throttling: every /api request, per client address', () => {
  let database: Database;
  let monolith: E2eMonolith;

  beforeAll(async () => {
    database = await sqliteTarget().create();
    // A small limit so the test stays short; the default (1000 per 10 s) is the same mechanism.
    process.env.SEAM_THROTTLE_LIMIT = '20/1m';
    try {
      monolith = await E2eMonolith.start(database.config);
    } finally {
      delete process.env.SEAM_THROTTLE_LIMIT;
    }
  }, 60_000);
  afterAll(async () => {
    await monolith?.close();
    await database?.drop();
  });

  it('refuses the request over the limit 429 with Retry-After, and X-Forwarded-For does not help when no proxy is trusted', async () => {
    const statuses: number[] = [];
    for (let index = 0; index < 20; index++)
      statuses.push(
        (await request(monolith.server).get('/api/products').set('X-Forwarded-For', `198.51.100.${index}`)).status,
      );
    expect(statuses).toEqual(Array.from({ length: 20 }, () => 200));
    const refused = await request(monolith.server).get('/api/products').set('X-Forwarded-For', '198.51.100.99');
    expect(refused.status).toBe(429);
    expect(refused.headers['content-type']).toBe('application/problem+json; charset=utf-8');
    expect((refused.body as { type: string }).type).toBe('tag:seam.local,2026:problems/too-many-requests');
    expect(Number(refused.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(Number(refused.headers['retry-after'])).toBeLessThanOrEqual(60);
    // Probes are not the API: health still answers.
    expect([200, 503]).toContain((await request(monolith.server).get('/health')).status);
  });
});

const redisReason = redisUnavailableReason();
const redisSuite = redisReason ? describe.skip : describe;

redisSuite(
  `edge throttling: counters shared in Redis (SEAM_THROTTLE_REDIS_URL)${redisReason ? ` — skipped: ${redisReason}` : ''}`,
  () => {
    let redis: PrivateRedis;
    let database: Database;
    let monolith: E2eMonolith;

    beforeAll(async () => {
      redis = await PrivateRedis.start();
      database = await sqliteTarget().create();
      monolith = await E2eMonolith.start(database.config, {
        throttling: withLongFirstDelay(throttlingConfigFrom({ SEAM_THROTTLE_REDIS_URL: redis.url })),
      });
    }, 60_000);
    afterAll(async () => {
      await monolith?.close();
      await database?.drop();
      await redis?.stop();
    });

    it('keeps the counts in Redis, where another edge process (here: the next one) finds them; without Redis it answers 503', async () => {
      const email = `${unique('shared').toLowerCase()}@example.com`;
      const logIn = () => request(monolith.server).post('/api/auth/login').send({ email, password: 'a guess' });
      const answers: number[] = [];
      for (let attempt = 0; attempt < 11; attempt++) answers.push((await logIn()).status);
      expect(answers.slice(0, 5)).toEqual([401, 401, 401, 401, 401]);
      expect(answers.slice(5)).toEqual([429, 429, 429, 429, 429, 429]);

      // A new process (same settings), with nothing in memory: the account is still refused.
      monolith = await monolith.restart();
      const refused = await logIn();
      expect(refused.status).toBe(429);
      expect(Number(refused.headers['retry-after'])).toBeGreaterThanOrEqual(1);
      expect(Number(refused.headers['retry-after'])).toBeLessThanOrEqual(60);

      await redis.stop();
      expectProblem(await logIn(), 503, 'UNAVAILABLE', '/api/auth/login');
      // A request no route matched is counted in Redis too, and answered as the routes are then.
      expectProblem(await request(monolith.server).get('/api/nowhere'), 503, 'UNAVAILABLE', '/api/nowhere');
    }, 90_000);
  },
);
