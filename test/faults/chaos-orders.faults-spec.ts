import { randomUUID } from 'node:crypto';
import 'reflect-metadata';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Client } from 'pg';
import request from 'supertest';
import { ensureBuilt, TopologyProcesses } from '@seam/testing';
import { E2E_ADMIN, E2E_JWT_SECRET } from '../e2e/support/e2e-accounts.js';
import { bearer, type Customer, ShopClient } from '../e2e/support/shop-client.js';
import { PrivatePostgres, privatePostgresUnavailableReason } from '../support/private-postgres.js';
import { PrivateRedis, redisUnavailableReason } from '../support/redis-server.js';
import { ms, reportFigures } from './support/figures.js';
import { faultScale } from './support/scale.js';

const reason = redisUnavailableReason() ?? privatePostgresUnavailableReason();
const suite = reason ? describe.skip : describe;

const APPROVED = '4242424242424242';
const DECLINED = '4000000000000002';
const SKUS = 10;
const CUSTOMERS = 20;
const WORKERS = 16;

interface Placed {
  key: string;
  customer: Customer;
  orderId?: string;
  answers: number[];
}

const sleep = (msToWait: number) => new Promise((resolve) => setTimeout(resolve, msToWait));

/**
 * The whole system as real processes (`split-redis`: every module its own service over Redis
 * streams, 2 replicas of inventory and payments, PostgreSQL schemas) taking orders while service
 * processes are killed with -9 and restarted, Redis is restarted empty, and PostgreSQL crashes
 * and restarts. Clients retry with the same Idempotency-Key, as a real client would. Then every
 * order must end final, nothing charged twice, every unit of stock accounted for, and every
 * order event applied exactly once by identity.
 */
suite(`chaos: orders through kills and restarts${reason ? ` — skipped: ${reason}` : ''}`, () => {
  const { orders, kills, stockPerSku } = faultScale({
    full: { orders: 2_000, kills: 5, stockPerSku: 250 },
    reduced: { orders: 120, kills: 2, stockPerSku: 15 },
  });
  let redis: PrivateRedis;
  let postgres: PrivatePostgres;
  let processes: TopologyProcesses;
  let db: Client;

  beforeAll(async () => {
    await ensureBuilt([
      'monolith',
      ...['identity', 'catalog', 'inventory', 'payments', 'orders'].map((module) => `${module}-service`),
    ]);
    [redis, postgres] = await Promise.all([PrivateRedis.start(), PrivatePostgres.start()]);
    processes = await TopologyProcesses.start({
      topology: 'split-redis',
      redisUrl: redis.url,
      env: {
        DATABASE_URL: postgres.url,
        DATA_DIR: '',
        JWT_SECRET: E2E_JWT_SECRET,
        SEAM_ADMIN_EMAIL: E2E_ADMIN.email,
        SEAM_ADMIN_PASSWORD: E2E_ADMIN.password,
        SEED_DEMO_DATA: '',
        SEAM_LISTEN_HOST: '',
      },
    });
  }, 180_000);
  afterAll(async () => {
    await db?.end().catch(() => undefined);
    await processes?.stop(2_000);
    await Promise.all([redis?.stop(), postgres?.stop()]);
  });

  const rows = async <T>(sql: string): Promise<T[]> => (await db.query(sql)).rows as T[];

  it(`${orders} orders while ${kills} service processes are killed -9, Redis restarts and PostgreSQL crashes: all final, nothing lost or doubled`, async () => {
    const shop = new ShopClient(() => processes.baseUrl);
    const skus = await Promise.all(
      Array.from({ length: SKUS }, () => shop.newProduct({ price: 1_000, stock: stockPerSku })),
    );
    // A few at a time: each registration and log-in hashes a password with scrypt (32 MiB, CPU-bound),
    // and twenty at once on a loaded 2-core machine outlast the log-in call's deadline. Setting up the
    // customers is not what this check is about.
    const customers: Customer[] = [];
    for (let first = 0; first < CUSTOMERS; first += 4) {
      const batch = Array.from({ length: Math.min(4, CUSTOMERS - first) }, (_, offset) => first + offset);
      customers.push(...(await Promise.all(batch.map((index) => shop.register(`chaos${index}`)))));
    }

    const placed: Placed[] = [];
    let next = 0;
    let gaveUp = 0;
    const startedAt = performance.now();
    const worker = async () => {
      while (next < orders) {
        const index = next++;
        const one: Placed = { key: `chaos-${randomUUID()}`, customer: customers[index % CUSTOMERS]!, answers: [] };
        placed.push(one);
        const body = {
          lines: [{ sku: skus[index % SKUS]!, quantity: 1 + (index % 2) }],
          cardNumber: index % 10 === 0 ? DECLINED : APPROVED,
        };
        for (let attempt = 0; attempt < 40 && !one.orderId; attempt++) {
          const answer = await request(processes.baseUrl)
            .post('/api/orders')
            .set(bearer(one.customer.token))
            .set('Idempotency-Key', one.key)
            .send(body)
            .timeout(15_000)
            .then(
              (response) => response,
              () => undefined,
            );
          one.answers.push(answer?.status ?? 0);
          if (answer?.status === 201) one.orderId = (answer.body as { orderId: string }).orderId;
          else await sleep(250 + Math.random() * 750);
        }
        if (!one.orderId) gaveUp++;
      }
    };

    const faults: string[] = [];
    const startedOrders = () => next;
    const chaos = (async () => {
      const services = processes.processes
        .filter(({ name }) => name !== 'monolith')
        .map(({ name, replica }) => ({ name, replica }));
      for (let kill = 0; kill < kills; kill++) {
        // Spread over the run: the k-th fault once k/(kills+1) of the orders have been started.
        const due = ((kill + 1) * orders) / (kills + 1);
        while (startedOrders() < due) await sleep(50);
        // The first victim is always orders, so that placements really are cut short mid-saga;
        // the others are drawn at random from every service process.
        const victim =
          kill === 0
            ? services.find(({ name }) => name === 'orders')!
            : services[Math.floor(Math.random() * services.length)]!;
        processes.processes
          .find(({ name, replica }) => name === victim.name && replica === victim.replica)!
          .process.signal('SIGKILL');
        faults.push(`kill -9 ${victim.name}#${victim.replica}`);
        await sleep(500);
        await processes.startService(victim.name, victim.replica);
        if (kill === 1) {
          await redis.restart();
          faults.push('Redis restarted (empty)');
        }
        if (kill === 2 || (kills < 3 && kill === kills - 1)) {
          await postgres.restart();
          faults.push('PostgreSQL crashed and restarted');
        }
      }
    })();
    await Promise.all([...Array.from({ length: WORKERS }, worker), chaos]);
    const placingMs = performance.now() - startedAt;
    // Connected only now: PostgreSQL's crash above would have cut an earlier connection.
    db = new Client({ connectionString: postgres.url });
    db.on('error', () => undefined);
    await db.connect();

    // Every order ends final — placements cut short are finished by the saga recovery — and every
    // outbox drains.
    const settledAt = performance.now();
    let open = { pending: -1, owing: -1, outbox: -1 };
    for (let waited = 0; waited < 180_000; waited += 500) {
      const [state] = await rows<{ pending: string; owing: string; outbox: string }>(
        `SELECT (SELECT COUNT(*) FROM orders.orders WHERE status = 'pending') AS pending,
                (SELECT COUNT(*) FROM orders.orders WHERE compensation_pending) AS owing,
                (SELECT COUNT(*) FROM orders.seam_outbox) AS outbox`,
      ).catch(() => [{ pending: '-1', owing: '-1', outbox: '-1' }]);
      open = { pending: Number(state!.pending), owing: Number(state!.owing), outbox: Number(state!.outbox) };
      if (open.pending === 0 && open.owing === 0 && open.outbox === 0) break;
      await sleep(500);
    }
    const settleMs = performance.now() - settledAt;

    const byStatus = Object.fromEntries(
      (
        await rows<{ status: string; n: string }>('SELECT status, COUNT(*) AS n FROM orders.orders GROUP BY status')
      ).map((row) => [row.status, Number(row.n)]),
    );
    const stored = await rows<{ order_id: string; idempotency_key: string }>(
      'SELECT order_id, idempotency_key FROM orders.orders',
    );
    const keys = new Set(placed.map((one) => one.key));
    const unanswered = placed.filter(
      (one) => !one.orderId && stored.some((row) => row.idempotency_key === one.key),
    ).length;
    const duplicateOrders = stored.length - new Set(stored.map((row) => row.idempotency_key)).size;
    const strangers = stored.filter((row) => !keys.has(row.idempotency_key)).length;
    const [charges] = await rows<{
      doubly: string;
      charged_not_confirmed: string;
      held_not_confirmed: string;
      confirmed_not_charged: string;
    }>(
      `SELECT
         (SELECT COUNT(*) FROM (SELECT order_id FROM payments.payment WHERE status = 'captured' GROUP BY order_id HAVING COUNT(*) > 1) d) AS doubly,
         (SELECT COUNT(*) FROM payments.payment p JOIN orders.orders o ON o.order_id = p.order_id WHERE p.status = 'captured' AND o.status <> 'confirmed') AS charged_not_confirmed,
         (SELECT COUNT(*) FROM payments.payment p JOIN orders.orders o ON o.order_id = p.order_id WHERE p.status = 'authorized' AND o.status <> 'confirmed') AS held_not_confirmed,
         (SELECT COUNT(*) FROM orders.orders o WHERE o.status = 'confirmed' AND NOT EXISTS (SELECT 1 FROM payments.payment p WHERE p.order_id = o.order_id AND p.status = 'captured')) AS confirmed_not_charged`,
    );
    const stock = await rows<{ sku: string; available: number; reserved: number; sold: string; ordered: string }>(
      `SELECT s.sku, s.available, s.reserved,
         COALESCE((SELECT SUM(l.quantity) FROM inventory.reservation_line l JOIN inventory.reservation r ON r.order_id = l.order_id WHERE l.sku = s.sku AND r.status = 'committed'), 0) AS sold,
         COALESCE((SELECT SUM(ol.quantity) FROM orders.order_line ol JOIN orders.orders o ON o.order_id = ol.order_id WHERE ol.sku = s.sku AND o.status = 'confirmed'), 0) AS ordered
       FROM inventory.stock_item s WHERE s.sku IN (${skus.map((sku) => `'${sku}'`).join(',')})`,
    );
    const unbalanced = stock.filter((row) => row.available + row.reserved + Number(row.sold) !== stockPerSku).length;
    const stillReserved = stock.reduce((sum, row) => sum + row.reserved, 0);
    const soldNotOrdered = stock.filter((row) => Number(row.sold) !== Number(row.ordered)).length;

    // Every confirmed order is applied once by identity: its activity equals the orders' own count.
    let activityMismatches = -1;
    for (let waited = 0; waited < 60_000; waited += 500) {
      const mismatch = await rows<{ customer_id: string }>(
        `SELECT o.customer_id FROM (SELECT customer_id, COUNT(*) AS confirmed, SUM(total_amount) AS spent FROM orders.orders WHERE status = 'confirmed' GROUP BY customer_id) o
         LEFT JOIN identity.customer_activity a ON a.customer_id = o.customer_id
         WHERE a.confirmed_orders IS DISTINCT FROM o.confirmed OR a.spent_amount IS DISTINCT FROM o.spent`,
      );
      activityMismatches = mismatch.length;
      if (activityMismatches === 0) break;
      await sleep(500);
    }
    const [recovered] = await rows<{ n: string }>(
      `SELECT COUNT(DISTINCT order_id) AS n FROM orders.order_saga_step WHERE step = 'recover'`,
    );
    const [deliveries] = await rows<{ inbox: string; confirmed: string; dead: string }>(
      `SELECT (SELECT COUNT(*) FROM identity.seam_inbox) AS inbox,
              (SELECT COUNT(*) FROM orders.orders WHERE status = 'confirmed') AS confirmed,
              (SELECT COUNT(*) FROM orders.seam_outbox_dead) AS dead`,
    );

    reportFigures(`chaos: ${orders} orders, split-redis on PostgreSQL`, {
      faults: faults.join('; '),
      'placing took': ms(placingMs),
      'orders stored': stored.length,
      'by status': Object.entries(byStatus)
        .map(([status, n]) => `${status} ${n}`)
        .join(', '),
      'client gave up (no answer after 40 tries)': gaveUp,
      '...of which stored anyway': unanswered,
      'placements finished by the saga recovery': Number(recovered!.n),
      'all final within (after placing)': ms(settleMs),
      'pending / owing an undo at the end': `${open.pending} / ${open.owing}`,
      'orders stored twice for one key': duplicateOrders,
      'orders charged twice': Number(charges!.doubly),
      'charged but not confirmed': Number(charges!.charged_not_confirmed),
      'authorization left held': Number(charges!.held_not_confirmed),
      'confirmed but not charged': Number(charges!.confirmed_not_charged),
      'skus where available + reserved + sold ≠ initial': unbalanced,
      'units still reserved': stillReserved,
      'skus where sold ≠ confirmed order lines': soldNotOrdered,
      'lost or doubled events (customers whose activity ≠ their orders)': activityMismatches,
      'identity inbox entries / confirmed orders': `${deliveries!.inbox} / ${deliveries!.confirmed}`,
      'orders outbox dead letters': Number(deliveries!.dead),
    });
    expect(strangers).toBe(0);
    expect(open).toEqual({ pending: 0, owing: 0, outbox: 0 });
    expect(duplicateOrders).toBe(0);
    expect(Number(charges!.doubly)).toBe(0);
    expect(Number(charges!.charged_not_confirmed)).toBe(0);
    expect(Number(charges!.held_not_confirmed)).toBe(0);
    expect(Number(charges!.confirmed_not_charged)).toBe(0);
    expect(stock).toHaveLength(SKUS);
    expect(unbalanced).toBe(0);
    expect(stillReserved).toBe(0);
    expect(soldNotOrdered).toBe(0);
    expect(activityMismatches).toBe(0);
    expect(Number(deliveries!.dead)).toBe(0);
    expect(Number(byStatus.confirmed ?? 0)).toBeGreaterThan(0);
  }, 900_000);
});
