/** A quantity of one sku. */
export interface StockLine {
  sku: string;
  quantity: number;
}

/**
 * The most units of one sku a reservation may hold: the contract's limit of a line, kept after
 * repeated skus are added up, so that every line the module answers or publishes is a valid line.
 */
export const MAX_UNITS_PER_SKU = 10_000;

/** Where an order's stock stands (see `reservation-status.ts` for the moves between them). */
export type ReservationStatus = 'reserved' | 'committed' | 'released';

/** The stock held for one order: one line per sku, in sku order. */
export interface Reservation {
  orderId: string;
  status: ReservationStatus;
  lines: StockLine[];
  createdAt: string;
  updatedAt: string;
}

/**
 * The sku order: by UTF-16 code unit, whatever the database's collation. Stock rows are always
 * updated in it, so that two transactions on PostgreSQL take their row locks in the same order and
 * cannot deadlock. Lines read back from the database are sorted by it too, never by `ORDER BY sku`:
 * a database with a linguistic collation (en_US.UTF-8, ICU) orders `MUG-B` after `MUGA`, and a
 * commit would then lock rows in the reverse of its reserve's order.
 */
export function compareSkus(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** One line per sku, quantities of a repeated sku added up, in sku order (see {@link compareSkus}). */
export function mergeLines(lines: readonly StockLine[]): StockLine[] {
  const totals = new Map<string, number>();
  for (const line of lines) totals.set(line.sku, (totals.get(line.sku) ?? 0) + line.quantity);
  return [...totals.entries()].toSorted(([a], [b]) => compareSkus(a, b)).map(([sku, quantity]) => ({ sku, quantity }));
}

/** The merged lines over {@link MAX_UNITS_PER_SKU}. */
export function oversizedLines(lines: readonly StockLine[]): StockLine[] {
  return lines.filter((line) => line.quantity > MAX_UNITS_PER_SKU);
}

/** Whether two requests ask for the same stock, however their lines are split or ordered. */
export function sameLines(a: readonly StockLine[], b: readonly StockLine[]): boolean {
  const left = mergeLines(a);
  const right = mergeLines(b);
  return (
    left.length === right.length &&
    left.every((line, index) => line.sku === right[index].sku && line.quantity === right[index].quantity)
  );
}

/** A new reservation of `lines` (merged) for an order, stamped with `now`. */
export function newReservation(orderId: string, lines: readonly StockLine[], now: Date): Reservation {
  const at = now.toISOString();
  return { orderId, status: 'reserved', lines: mergeLines(lines), createdAt: at, updatedAt: at };
}

/**
 * What releasing an order that has no reservation leaves behind: the order `released`, holding
 * nothing. Its reserve may still be on its way (the caller gave up waiting and compensated);
 * the tombstone is what makes that late reserve refused instead of holding stock for an order
 * its caller already wrote off.
 */
export function tombstone(orderId: string, at: string): Reservation {
  return { orderId, status: 'released', lines: [], createdAt: at, updatedAt: at };
}

/**
 * Whether the order was released before anything was reserved for it. A reservation made by
 * reserve always has a line, so a released one without lines can only be a tombstone.
 */
export function isTombstone(reservation: Reservation): boolean {
  return reservation.status === 'released' && reservation.lines.length === 0;
}
