import { randomUUID } from 'node:crypto';
import 'reflect-metadata';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Client } from 'pg';
import request from 'supertest';
import { ensureBuilt, postgresUnavailableReason, TemporaryPostgres, TopologyProcesses } from '@seam/testing';
import { E2E_ADMIN, E2E_JWT_SECRET } from '../e2e/support/e2e-accounts.js';
import { bearer, type Customer, ShopClient } from '../e2e/support/shop-client.js';
import { ms, reportFigures } from './support/figures.js';
import { faultScale } from './support/scale.js';
import { settledState, type SettledState } from './support/settled-state.js';

const reason = await postgresUnavailableReason();
const suite = reason ? describe.skip : describe;

const APPROVED = '4242424242424242';
const DECLINED = '4000000000000002';
const SKUS = 4;
const CUSTOMERS = 4;
const WORKERS = 8;
/** Each place goes to the replica after the one tried before: what a client behind a load balancer sees. */
const TRIES = 30;

interface Placed {
  key: string;
  customer: Customer;
  orderId?: string;
  /** The replica that answered the 2xx. */
  answeredBy?: number;
}

const sleep = (msToWait: number) => new Promise((resolve) => setTimeout(resolve, msToWait));

/**
 * Scale out without new code: two monolith processes (every module in each, topology `monolith`)
 * on one PostgreSQL database take the same stream of orders, and one is killed with -9 half-way.
 * The survivor keeps answering, its outbox relay and saga recovery take over what the dead one
 * held once its leases run out, and at the end every order a client was answered exists once,
 * every event reached its subscriber once, and nothing is left in flight.
 */
suite(`monolith replicas on one PostgreSQL${reason ? ` — skipped: ${reason}` : ''}`, () => {
  const { orders, stockPerSku } = faultScale({
    full: { orders: 100, stockPerSku: 40 },
    reduced: { orders: 60, stockPerSku: 25 },
  });
  let database: TemporaryPostgres;
  let replicas: TopologyProcesses[] = [];
  let db: Client;

  beforeAll(async () => {
    await ensureBuilt(['monolith']);
    database = await TemporaryPostgres.create();
    const env = {
      DATABASE_URL: database.url,
      // Two copies of five modules at the default 10 would take every connection of a stock server
      // (max_connections 100), leaving none for this test or anything else running beside it.
      DATABASE_POOL_SIZE: '4',
      DATA_DIR: '',
      JWT_SECRET: E2E_JWT_SECRET,
      SEAM_ADMIN_EMAIL: E2E_ADMIN.email,
      SEAM_ADMIN_PASSWORD: E2E_ADMIN.password,
      SEED_DEMO_DATA: '',
      // Shared by every copy, as deploy/compose.monolith-replicas.yaml requires.
      PAYMENTS_CARD_FINGERPRINT_KEY: 'monolith-replicas-fingerprint-key-0123456789',
    };
    // Started together on the empty database: both migrate it (one waits for the other) and seed it.
    const started = await Promise.allSettled(
      [0, 1].map(() => TopologyProcesses.start({ topology: 'monolith', env, readyTimeoutMs: 120_000 })),
    );
    // Kept even when the other failed, so that afterAll stops it.
    replicas = started.flatMap((result) => (result.status === 'fulfilled' ? [result.value] : []));
    for (const result of started) if (result.status === 'rejected') throw result.reason;
    db = new Client({ connectionString: database.url });
    await db.connect();
  }, 240_000);
  afterAll(async () => {
    await db?.end().catch(() => undefined);
    await Promise.all(replicas.map((replica) => replica.stop(2_000)));
    await database?.drop();
  });

  it('take orders through a kill -9 of one: the survivor serves, nothing lost or doubled, all settled', async () => {
    const urls = replicas.map((replica) => replica.baseUrl);
    const shop = new ShopClient(() => urls[0]!);
    const skus = await Promise.all(
      Array.from({ length: SKUS }, () => shop.newProduct({ price: 1_000, stock: stockPerSku })),
    );
    // One at a time: each registration and log-in hashes a password with scrypt (CPU-bound).
    const customers: Customer[] = [];
    for (let index = 0; index < CUSTOMERS; index++) customers.push(await shop.register(`replica${index}`));

    const placed: Placed[] = [];
    let next = 0;
    const killAt = Math.floor(orders / 3);
    let killedAt: number | undefined;
    const victim = 1;
    const startedAt = performance.now();
    const worker = async () => {
      while (next < orders) {
        const index = next++;
        if (index === killAt) {
          // Mid-load: other workers have requests in flight on both replicas.
          replicas[victim]!.monolith.process.signal('SIGKILL');
          killedAt = performance.now();
        }
        const one: Placed = { key: `replica-${randomUUID()}`, customer: customers[index % CUSTOMERS]! };
        placed.push(one);
        const body = {
          lines: [{ sku: skus[index % SKUS]!, quantity: 1 + (index % 2) }],
          cardNumber: index % 7 === 0 ? DECLINED : APPROVED,
        };
        for (let attempt = 0; attempt < TRIES && !one.orderId; attempt++) {
          const target = (index + attempt) % urls.length;
          const answer = await request(urls[target]!)
            .post('/api/orders')
            .set(bearer(one.customer.token))
            .set('Idempotency-Key', one.key)
            .send(body)
            .timeout(20_000)
            .then(
              (response) => response,
              () => undefined,
            );
          if (answer && answer.status >= 200 && answer.status < 300) {
            one.orderId = (answer.body as { orderId: string }).orderId;
            one.answeredBy = target;
          } else await sleep(200 + Math.random() * 300);
        }
      }
    };
    await Promise.all(Array.from({ length: WORKERS }, worker));
    const placingMs = performance.now() - startedAt;

    // Settled: the survivor's saga recovery finished what the dead one was placing and its relay
    // delivered what the dead one had claimed, once their leases ran out (about 30 s).
    const settledAt = performance.now();
    let state: SettledState | undefined;
    for (let waited = 0; waited < 240_000; waited += 500) {
      state = await settledState(db);
      if (state.settled) break;
      await sleep(500);
    }
    const settleMs = performance.now() - settledAt;

    const stored = (
      await db.query<{ order_id: string; idempotency_key: string; customer_id: string }>(
        'SELECT order_id, idempotency_key, customer_id FROM orders.orders',
      )
    ).rows;
    const answered = placed.filter((one) => one.orderId);
    const storedOnce = answered.filter(
      (one) =>
        stored.filter((row) => row.idempotency_key === one.key && row.customer_id === one.customer.userId).length ===
          1 && stored.some((row) => row.order_id === one.orderId),
    ).length;
    const keys = new Set(placed.map((one) => one.key));
    const strangers = stored.filter((row) => !keys.has(row.idempotency_key)).length;
    const answeredAfterKill = placed.filter(
      (one, index) => index > killAt && one.answeredBy !== undefined && one.answeredBy !== victim,
    ).length;

    const [recovered] = (
      await db.query<{ n: string }>(
        `SELECT COUNT(DISTINCT order_id) AS n FROM orders.order_saga_step WHERE step = 'recover'`,
      )
    ).rows;

    reportFigures(`monolith replicas: ${orders} orders over 2 monoliths on one PostgreSQL, one killed -9`, {
      'placing took': ms(placingMs),
      'killed replica 1 after': killedAt === undefined ? 'never' : ms(killedAt - startedAt),
      'answered 2xx': `${answered.length} of ${orders} (${answered.filter((one) => one.answeredBy === victim).length} by the killed one)`,
      'answered by the survivor after the kill': answeredAfterKill,
      'answered and stored exactly once': storedOnce,
      'orders stored / for unknown keys': `${stored.length} / ${strangers}`,
      'placements finished by the saga recovery': Number(recovered!.n),
      'settled within (after placing)': ms(settleMs),
      ...state!.figures,
    });
    expect(killedAt).toBeDefined();
    expect(answered).toHaveLength(orders);
    expect(storedOnce).toBe(answered.length);
    expect(stored).toHaveLength(orders);
    expect(strangers).toBe(0);
    expect(answeredAfterKill).toBeGreaterThan(0);
    expect(state!.problems).toEqual({});
    expect(state!.settled).toBe(true);
  }, 900_000);
});
