import type { Client } from 'pg';

/** The reference application's modules, each a schema of the database. */
const SCHEMAS = ['identity', 'catalog', 'inventory', 'payments', 'orders'] as const;

/** What {@link settledState} found. */
export interface SettledState {
  /** Nothing left in flight: no order pending or owing an undo, no saga open, every outbox empty. */
  readonly settled: boolean;
  /** Each broken invariant with the number of rows that break it (empty when all hold). */
  readonly problems: Readonly<Record<string, number>>;
  /** Every count, for the report. */
  readonly figures: Readonly<Record<string, string | number>>;
}

type Counts = Record<string, string | number>;

/**
 * Reads the whole system's state from its PostgreSQL database (a schema per module, as the
 * monolith and the services keep it) and checks what must hold once it has settled, whoever
 * processed what: every order final with nothing owed, no saga open, every module's outbox
 * delivered and no dead letter; money taken once per confirmed order and not for any other (in
 * payments and at the provider); every unit of stock accounted for; every order event applied
 * exactly once by its subscriber (identity's inbox and the activity it keeps). Read-only.
 */
export async function settledState(db: Client): Promise<SettledState> {
  const one = async (sql: string): Promise<Counts> => ((await db.query(sql)).rows[0] ?? {}) as Counts;
  const flight = await one(
    `SELECT (SELECT COUNT(*) FROM orders.orders WHERE status = 'pending') AS pending,
            (SELECT COUNT(*) FROM orders.orders WHERE compensation_pending) AS owing,
            (SELECT COUNT(*) FROM orders.order_saga) AS sagas,
            ${SCHEMAS.map((schema) => `(SELECT COUNT(*) FROM ${schema}.seam_outbox) AS ${schema}_outbox`).join(',\n')},
            ${SCHEMAS.map((schema) => `(SELECT COUNT(*) FROM ${schema}.seam_outbox_dead) AS ${schema}_dead`).join(',\n')}`,
  );
  const money = await one(
    `SELECT
       (SELECT COUNT(*) FROM (SELECT order_id FROM payments.payment GROUP BY order_id HAVING COUNT(*) > 1) d) AS paid_twice,
       (SELECT COUNT(*) FROM payments.payment p JOIN orders.orders o ON o.order_id = p.order_id WHERE p.status = 'captured' AND o.status <> 'confirmed') AS charged_not_confirmed,
       (SELECT COUNT(*) FROM payments.payment p JOIN orders.orders o ON o.order_id = p.order_id WHERE p.status = 'authorized') AS held,
       (SELECT COUNT(*) FROM orders.orders o WHERE o.status = 'confirmed' AND NOT EXISTS (SELECT 1 FROM payments.payment p WHERE p.order_id = o.order_id AND p.status = 'captured')) AS confirmed_not_charged,
       (SELECT COUNT(*) FROM (SELECT authorization_id FROM payments.fake_provider_ledger WHERE type = 'capture' GROUP BY authorization_id HAVING COUNT(*) > 1) c) AS captured_twice,
       (SELECT COALESCE(SUM(CASE type WHEN 'capture' THEN amount WHEN 'refund' THEN -amount ELSE 0 END), 0) FROM payments.fake_provider_ledger) AS taken,
       (SELECT COALESCE(SUM(total_amount), 0) FROM orders.orders WHERE status = 'confirmed') AS confirmed_total`,
  );
  const stock = await one(
    `SELECT
       (SELECT COUNT(*) FROM orders.orders o WHERE NOT EXISTS (SELECT 1 FROM inventory.reservation r WHERE r.order_id = o.order_id) AND o.status = 'confirmed') AS confirmed_not_reserved,
       (SELECT COUNT(*) FROM inventory.reservation r JOIN orders.orders o ON o.order_id = r.order_id WHERE (r.status = 'committed') <> (o.status = 'confirmed')) AS reservation_disagrees,
       (SELECT COALESCE(SUM(reserved), 0) FROM inventory.stock_item) AS units_reserved,
       (SELECT COUNT(*) FROM (SELECT s.sku FROM inventory.stock_item s
          WHERE (SELECT COALESCE(SUM(l.quantity), 0) FROM inventory.reservation_line l JOIN inventory.reservation r ON r.order_id = l.order_id WHERE l.sku = s.sku AND r.status = 'committed')
             <> (SELECT COALESCE(SUM(ol.quantity), 0) FROM orders.order_line ol JOIN orders.orders o ON o.order_id = ol.order_id WHERE ol.sku = s.sku AND o.status = 'confirmed')) x) AS sold_not_ordered`,
  );
  const events = await one(
    `SELECT
       (SELECT COUNT(*) FROM identity.seam_inbox WHERE consumer = 'identity:order-activity') AS inbox,
       (SELECT COUNT(*) FROM orders.orders WHERE status IN ('confirmed', 'cancelled')) AS announced,
       (SELECT COUNT(*) FROM (SELECT o.customer_id FROM (SELECT customer_id, COUNT(*) AS confirmed, SUM(total_amount) AS spent FROM orders.orders WHERE status = 'confirmed' GROUP BY customer_id) o
          LEFT JOIN identity.customer_activity a ON a.customer_id = o.customer_id
          WHERE a.confirmed_orders IS DISTINCT FROM o.confirmed OR a.spent_amount IS DISTINCT FROM o.spent) m) AS activity_mismatches`,
  );
  const n = (counts: Counts, key: string) => (counts[key] === undefined ? -1 : Number(counts[key]));
  const inFlight = ['pending', 'owing', 'sagas', ...SCHEMAS.map((schema) => `${schema}_outbox`)];
  const settled = inFlight.every((key) => n(flight, key) === 0);
  const problems: Record<string, number> = {};
  const mustBeZero = (counts: Counts, keys: string[]) => {
    for (const key of keys) if (n(counts, key) !== 0) problems[key] = n(counts, key);
  };
  mustBeZero(flight, [...inFlight, ...SCHEMAS.map((schema) => `${schema}_dead`)]);
  mustBeZero(money, ['paid_twice', 'charged_not_confirmed', 'held', 'confirmed_not_charged', 'captured_twice']);
  mustBeZero(stock, ['confirmed_not_reserved', 'reservation_disagrees', 'units_reserved', 'sold_not_ordered']);
  mustBeZero(events, ['activity_mismatches']);
  if (n(money, 'taken') !== n(money, 'confirmed_total'))
    problems['money taken ≠ confirmed orders total'] = n(money, 'taken') - n(money, 'confirmed_total');
  if (n(events, 'inbox') !== n(events, 'announced'))
    problems['identity inbox entries ≠ confirmed and cancelled orders'] = n(events, 'inbox') - n(events, 'announced');
  const list = (counts: Counts) =>
    Object.entries(counts)
      .map(([key, value]) => `${key} ${value}`)
      .join(', ');
  return {
    settled,
    problems,
    figures: {
      'in flight at the end': list(flight),
      'money (payments, provider)': list(money),
      stock: list(stock),
      'events (identity inbox, activity)': list(events),
    },
  };
}
